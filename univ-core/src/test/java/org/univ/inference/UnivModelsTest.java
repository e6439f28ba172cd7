package org.univ.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.modality.cv.output.Rectangle;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.data.RootSpec;
import org.univ.detect.Detection;
import org.univ.detect.DetectionConfig;
import org.univ.detect.DetectionDataset;
import org.univ.detect.DetectionImages;
import org.univ.detect.DetectionModel;
import org.univ.detect.DetectionScenes;
import org.univ.detect.DetectionTrainer;
import org.univ.detect.Detector;
import org.univ.detect.FeatureCache;
import org.univ.downstream.Modality;
import org.univ.io.CheckpointException;
import org.univ.model.VisionTransformer;
import org.univ.model.Weights;
import org.univ.util.Tensors;

/** The DJL predictors give what the library gives: the same boxes, the same patch tokens. */
class UnivModelsTest {
    @TempDir
    Path dir;

    @Test
    void detectorAndTokenPredictorsMatchTheLibrary() throws Exception {
        DetectionScenes.write(dir.resolve("data"), 4, 64, 48, 9);
        DetectionDataset data = DetectionDataset.yolo(RootSpec.of(dir.resolve("data")), Modality.IR);
        DetectionConfig config = DetectionConfig.builder().optSize(64, 48).optChannels(16).optIterations(3).optBatch(4)
                .optWarmup(0).build();
        Path backboneFile = dir.resolve("vit.safetensors");
        Path head = dir.resolve("head.safetensors");
        Path image = data.get(1).image();
        List<Detection> expected;
        float[] expectedTokens;
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m);
             Detector detector = Detector.forBackbone(m, vit, data.numClasses(), config)) {
            vit.initialize(2);
            Weights.save(vit, backboneFile, Map.of());
            DetectionImages images = DetectionImages.of(Modality.IR, vit.config());
            try (FeatureCache cache = FeatureCache.build(vit, data, images, 64, 48, false, null, false, 4, m, null)) {
                DetectionTrainer.trainFrozen(detector, cache, config, 0, null);
            }
            DetectionModel model = new DetectionModel(vit, detector, config, data.categories(), Modality.IR, false);
            model.save(head);
            var planes = images.decode(image);
            expected = model.detect(planes);
            try (NDScope scope = new NDScope()) {
                NDArray input = Tensors.fromFloats(m, images.prepare(planes, 64, 48), new Shape(1, 3, 48, 64));
                expectedTokens = vit.forward(input).patchTokens().toFloatArray();
            }
        }
        Image img = ImageFactory.getInstance().fromFile(image);
        try (ZooModel<Image, DetectedObjects> model = UnivModels.detector(backboneFile, head);
             Predictor<Image, DetectedObjects> predictor = model.newPredictor()) {
            DetectedObjects found = predictor.predict(img);
            assertEquals(expected.size(), found.getNumberOfObjects());
            assertTrue(found.getNumberOfObjects() > 0);
            for (int i = 0; i < expected.size(); i++) {
                Detection e = expected.get(i);
                DetectedObjects.DetectedObject o = found.item(i);
                assertEquals(data.classNames().get(e.classIndex()), o.getClassName());
                assertEquals(e.score(), o.getProbability(), 1e-6);
                Rectangle r = o.getBoundingBox().getBounds();
                assertEquals(e.x1() / 64, r.getX(), 1e-5);                // relative to the 64 × 48 image
                assertEquals(e.y1() / 48, r.getY(), 1e-5);
                assertEquals(e.width() / 64, r.getWidth(), 1e-5);
                assertEquals(e.height() / 48, r.getHeight(), 1e-5);
            }
            assertEquals(expected.size(), predictor.predict(img).getNumberOfObjects()); // a second call works too
        }
        try (ZooModel<Image, NDList> model = UnivModels.patchTokens(backboneFile, Modality.IR, 64, 48);
             Predictor<Image, NDList> predictor = model.newPredictor();
             NDList tokens = predictor.predict(img)) {
            assertEquals(new Shape(12, 32), tokens.get(0).getShape());        // 3 × 4 tokens of width 32
            float[] got = tokens.get(0).toFloatArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(expectedTokens[i], got[i], 1e-5);
            }
        }
        assertThrows(CheckpointException.class, () -> UnivModels.detector(backboneFile, backboneFile));
        assertThrows(CheckpointException.class, () -> UnivModels.detector(backboneFile, dir.resolve("missing")));
    }
}
