package org.univ.inference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import java.nio.file.Path;
import org.univ.detect.DetectionImages;
import org.univ.detect.DetectionModel;
import org.univ.detect.DetectionTranslator;
import org.univ.downstream.Modality;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.util.Engines;

/**
 * UNIV checkpoints as DJL models, for JVM applications:
 * <pre>{@code
 * try (ZooModel<Image, DetectedObjects> model = UnivModels.detector(backbone, head);
 *      Predictor<Image, DetectedObjects> predictor = model.newPredictor()) {
 *     DetectedObjects objects = predictor.predict(ImageFactory.getInstance().fromFile(Path.of("ir.png")));
 * }
 * }</pre>
 * The weights live in the DJL model's manager; closing the model frees them. DJL is kept offline.
 */
public final class UnivModels {
    private UnivModels() {}

    /** A backbone checkpoint plus a head from {@code univ det train}: {@code Image → DetectedObjects}. */
    public static ZooModel<Image, DetectedObjects> detector(Path backboneFile, Path headFile) {
        DetectionModel.requireFile(headFile);
        Model model = newModel("univ-detector");
        try {
            DetectionModel detection = DetectionModel.load(backboneFile, headFile, model.getNDManager());
            DetectionTranslator translator = new DetectionTranslator(detection);
            model.setBlock(translator.block());
            return new ZooModel<>(model, translator);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * A backbone checkpoint as {@code Image → NDList[patch tokens [N, D]]} at a fixed input size (multiples of the
     * patch), images normalised for {@code modality}.
     */
    public static ZooModel<Image, NDList> patchTokens(Path backboneFile, Modality modality, int width, int height) {
        Model model = newModel("univ-patch-tokens");
        try {
            Backbone backbone = Backbones.load(backboneFile, model.getNDManager(), true);
            backbone.module().setTraining(false);
            PatchTokensTranslator translator = new PatchTokensTranslator(backbone,
                    DetectionImages.of(modality, backbone.config()), width, height);
            model.setBlock(translator.block());
            return new ZooModel<>(model, translator);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static Model newModel(String name) {
        Engines.offline();
        return Model.newInstance(name, Device.cpu(), "PyTorch");
    }
}
