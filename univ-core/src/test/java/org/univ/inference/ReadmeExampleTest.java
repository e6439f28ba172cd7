package org.univ.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.modality.cv.output.CategoryMask;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Console;
import org.univ.TestModels;
import org.univ.data.RootSpec;
import org.univ.data.synth.SceneGenerator;
import org.univ.detect.DetectionConfig;
import org.univ.detect.DetectionDataset;
import org.univ.detect.DetectionImages;
import org.univ.detect.DetectionModel;
import org.univ.detect.DetectionTrainer;
import org.univ.detect.Detector;
import org.univ.detect.FeatureCache;
import org.univ.downstream.Modality;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.segment.SegCheckpoint;
import org.univ.segment.SegDataset;
import org.univ.segment.SegHead;
import org.univ.segment.SegTrainer;
import org.univ.segment.UnivSegmentation;

/**
 * The README's "Library use" inference example is this class's {@link #readmeExample} (compared line by line, so the
 * two cannot drift apart), run on a tiny backbone with heads trained for a few steps on generated scenes.
 */
class ReadmeExampleTest {
    private static final String BEGIN = "// README example begins";
    private static final String END = "// README example ends";

    @TempDir
    Path dir;

    /** Exactly the README code; the lines it prints are checked by the test. */
    static void readmeExample(Path backbone, Path detHead, Path segHead, Image image) throws Exception {
        // README example begins
        // boxes: a backbone plus a head from `univ det train`
        try (ZooModel<Image, DetectedObjects> detector = UnivModels.detector(backbone, detHead);
             Predictor<Image, DetectedObjects> predictor = detector.newPredictor()) {
            DetectedObjects objects = predictor.predict(image);        // boxes relative to the image, names, scores
            System.out.println(objects.getNumberOfObjects() + " objects");
        }
        // patch tokens of the image resized to 448×336 and normalised as IR
        try (ZooModel<Image, NDList> encoder = UnivModels.patchTokens(backbone, Modality.IR, 448, 336);
             Predictor<Image, NDList> predictor = encoder.newPredictor();
             NDList out = predictor.predict(image)) {
            NDArray patchTokens = out.get(0);                              // [28·21, D], row-major token grid
            System.out.println("tokens " + patchTokens.getShape());
        }
        // a class map at the image's own size: a backbone plus a head from `univ seg train`
        try (UnivSegmentation segmentation = UnivSegmentation.load(backbone, segHead);
             Predictor<Image, CategoryMask> predictor = segmentation.newPredictor()) {
            CategoryMask mask = predictor.predict(image);                  // mask.getMask()[y][x]: a class id
            System.out.println(mask.getMask().length + "x" + mask.getMask()[0].length + " " + mask.getClasses());
        }
        // README example ends
    }

    @Test
    void theReadmeExampleRunsAndIsTheReadmeCode() throws Exception {
        assertEquals(readmeBlock(), ownBlock(), "README.md's library example differs from readmeExample()");

        Path scenes = SceneGenerator.builder().optSize(64, 48).optSeed(5).build().write(dir.resolve("scenes"), 4).dir();
        Path backbone = TestModels.saveTinyVit(dir.resolve("student.safetensors"), 4);
        Path detHead = dir.resolve("det-head.safetensors");
        Path segHead = dir.resolve("seg-head.safetensors");
        Path imageFile;
        int expectedObjects;
        try (NDManager m = NDManager.newBaseManager(); Backbone vit = Backbones.load(backbone, m, true)) {
            DetectionDataset boxes = DetectionDataset.yolo(RootSpec.of(scenes), Modality.IR);
            DetectionConfig config = DetectionConfig.builder().optSize(64, 48).optChannels(16).optIterations(2)
                    .optBatch(4).optWarmup(0).build();
            DetectionImages images = DetectionImages.of(Modality.IR, vit.config());
            imageFile = boxes.get(0).image();
            try (Detector detector = Detector.forBackbone(m, vit, boxes.numClasses(), config);
                 FeatureCache cache = FeatureCache.build(vit, boxes, images, 64, 48, false, null, false, 4, m, null)) {
                DetectionTrainer.trainFrozen(detector, cache, config, 0, null);
                DetectionModel model = new DetectionModel(vit, detector, config, boxes.categories(), Modality.IR, false);
                model.save(detHead);
                expectedObjects = model.detect(images.decode(imageFile)).size();
            }
            SegDataset masks = SegDataset.builder().setRoot(scenes).setModality(Modality.IR).load();
            SegTrainer.Trained trained = SegTrainer.builder().setSize(48, 64).optIterations(1).optBatchSize(2)
                    .optChannels(8).build().train(vit, masks, m, null);
            try (SegHead head = trained.head()) {
                SegCheckpoint.save(segHead, head, vit, trained.info());
            }
        }
        Image image = ImageFactory.getInstance().fromFile(imageFile);
        Console.Result printed = Console.capture(() -> {
            try {
                readmeExample(backbone, detHead, segHead, image);
                return 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(List.of(expectedObjects + " objects", "tokens (588, 32)",
                "48x64 [sky, road, vegetation, building, car, person]"), printed.out().lines().toList());
        assertTrue(expectedObjects <= 100, "at most 100 detections");
    }

    /** The README's Java block that follows the {@code library-example} marker, without its common indentation. */
    private static List<String> readmeBlock() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        Matcher m = Pattern.compile("<!-- library-example: [^>]+ -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no <!-- library-example: … --> java block");
        return strip(m.group(1).lines().toList());
    }

    /** The lines of {@link #readmeExample} between the markers. */
    private static List<String> ownBlock() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/org/univ/inference/ReadmeExampleTest.java"));
        int from = -1;
        int to = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(BEGIN) && from < 0) {
                from = i + 1;
            } else if (lines.get(i).strip().equals(END) && to < 0 && from >= 0) {
                to = i;
            }
        }
        return strip(lines.subList(from, to));
    }

    private static List<String> strip(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent).stripTrailing()).toList();
    }
}
