package org.univ.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.modality.cv.output.CategoryMask;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.downstream.Modality;
import org.univ.eval.SegMetrics;
import org.univ.io.CheckpointException;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.VisionTransformer;
import org.univ.model.Weights;

class SegTrainerTest {
    @TempDir
    Path tmp;

    private static SegTrainer.Builder settings(int iterations) {
        return SegTrainer.builder().setSize(32, 48).optIterations(iterations).optBatchSize(4).optLr(3e-3).optChannels(16)
                .optSeed(5);
    }

    private static VisionTransformer tinyBackbone(NDManager m) {
        VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m);
        vit.module().initialize(1);
        return vit;
    }

    @Test
    void aTinyModelOverfitsAFewMasks() {
        SegDataset data = SegTestData.inMemory(4, 32, 48, Modality.RGB);
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = tinyBackbone(m)) {
            SegTrainer.Trained t = settings(50).optLr(1e-2).build().train(vit, data, m, null);
            try (SegHead head = t.head(); UnivSegmentation seg = UnivSegmentation.of(vit, head, t.info())) {
                SegMetrics.Result r = SegEvaluation.evaluate(seg, data, null);
                assertTrue(r.mIoU() > 0.9, "mIoU " + r.mIoU() + " losses " + t.losses()[0] + " → " + t.losses()[49]);
                assertTrue(t.losses()[49] < 0.3 * t.losses()[0], t.losses()[0] + " → " + t.losses()[49]);
                Map<String, Object> json = SegEvaluation.toMap(r, data.classes());
                assertEquals(3, ((java.util.List<?>) json.get("per_class")).size());
            }
        }
    }

    @Test
    void sameSeedSameHeadOtherSeedOther() {
        SegDataset data = SegTestData.inMemory(3, 32, 48, Modality.IR);
        float[][] losses = new float[3][];
        int[][] predictions = new int[3][];
        long[] seeds = {5, 5, 6};
        for (int run = 0; run < 3; run++) {
            try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = tinyBackbone(m)) {
                SegTrainer.Trained t = settings(6).optCrop(16, 32).optSeed(seeds[run]).build().train(vit, data, m, null);
                try (SegHead head = t.head(); UnivSegmentation seg = UnivSegmentation.of(vit, head, t.info())) {
                    losses[run] = t.losses();
                    predictions[run] = seg.predict(data.get(0).image());
                }
            }
        }
        assertArrayEquals(losses[0], losses[1]);
        assertArrayEquals(predictions[0], predictions[1]);
        assertNotEquals(losses[0][0], losses[2][0]);
    }

    @Test
    void fineTuningTrainsLoraAndTheHeadRoundTripsThroughAFile() throws Exception {
        SegDataset data = SegTestData.inMemory(3, 32, 48, Modality.RGB);
        Path backboneFile = tmp.resolve("backbone.safetensors");
        Path headFile = tmp.resolve("head.safetensors");
        int[] before;
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = tinyBackbone(m)) {
            Weights.save(vit, backboneFile, Map.of());
            SegTrainer.Trained t = settings(4).optProtocol(SegTrainer.Protocol.FINETUNE).optScaleRange(0.75, 1.5)
                    .build().train(vit, data, m, null);
            assertEquals("finetune", t.info().protocol());
            float loraB = vit.module().namedParameters().entrySet().stream().filter(e -> e.getKey().endsWith("lora_B"))
                    .findFirst().orElseThrow().getValue().array().abs().sum().getFloat();
            assertTrue(loraB > 0, "LoRA B moved away from zero");
            try (SegHead head = t.head(); UnivSegmentation seg = UnivSegmentation.of(vit, head, t.info())) {
                before = seg.predict(data.get(1).image());
                SegCheckpoint.save(headFile, head, vit, t.info());
            }
        }
        try (UnivSegmentation loaded = UnivSegmentation.load(backboneFile, headFile)) {
            assertEquals(SegTestData.classes(), loaded.classes());
            assertEquals(Modality.RGB, loaded.info().modality());
            assertArrayEquals(before, loaded.predict(data.get(1).image()));
            // the DJL predictor gives the same classes at the image's own size
            Image image = ImageFactory.getInstance().fromImage(SegTestData.rgb(data.get(1).image()));
            try (Predictor<Image, CategoryMask> predictor = loaded.newPredictor()) {
                CategoryMask mask = predictor.predict(image);
                assertEquals(SegTestData.classes().names(), mask.getClasses());
                assertEquals(32, mask.getMask().length);
                assertEquals(48, mask.getMask()[0].length);
                int[] viaImage = loaded.predict(SegTranslator.planes(image, Modality.RGB));
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 48; x++) {
                        assertEquals(viaImage[y * 48 + x], mask.getMask()[y][x]);
                    }
                }
            }
        }
    }

    @Test
    void frozenHeadRoundTripsAndRejectsOtherBackbones() {
        SegDataset data = SegTestData.inMemory(2, 32, 48, Modality.IR);
        Path headFile = tmp.resolve("frozen.safetensors");
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = tinyBackbone(m)) {
            SegTrainer.Trained t = settings(2).build().train(vit, data, m, null);
            int[] before;
            try (SegHead head = t.head(); UnivSegmentation seg = UnivSegmentation.of(vit, head, t.info())) {
                before = seg.predict(data.get(0).image());
                SegCheckpoint.save(headFile, head, vit, t.info());
            }
            SegCheckpoint.Loaded loaded = SegCheckpoint.load(headFile, vit, m);
            try (SegHead head = loaded.head(); UnivSegmentation seg = UnivSegmentation.of(vit, head, loaded.info())) {
                assertEquals(t.info(), loaded.info());
                assertArrayEquals(before, seg.predict(data.get(0).image()));
            }
            try (Backbone wider = Backbones.create(TestModels.tinyVit().toBuilder().setEmbedDim(64).build(), m)) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> SegCheckpoint.load(headFile, wider, m));
                assertTrue(e.getMessage().contains("width 32"), e.getMessage());
            }
            // a backbone checkpoint is not a head
            Path notHead = tmp.resolve("backbone.safetensors");
            Weights.save(vit, notHead, Map.of());
            assertThrows(CheckpointException.class, () -> SegCheckpoint.load(notHead, vit, m));
        }
    }

    @Test
    void rejectsSizesOffThePatchGrid() {
        SegDataset data = SegTestData.inMemory(1, 32, 32, Modality.RGB);
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = tinyBackbone(m)) {
            assertThrows(IllegalArgumentException.class, () -> SegTrainer.builder().setSize(30, 32).build().train(vit, data, m, null));
            assertThrows(IllegalArgumentException.class,
                    () -> SegTrainer.builder().setSize(32, 32).optCrop(48, 32).build().train(vit, data, m, null));
        }
    }

    @Test
    void polyScheduleIsLinearByDefault() {
        SegTrainer t = SegTrainer.builder().setSize(32, 32).optIterations(100).optLr(1e-3).build();
        assertEquals(1e-3, t.learningRate(0), 1e-12);
        assertEquals(5e-4, t.learningRate(50), 1e-12);
        assertEquals(1e-5, t.learningRate(99), 1e-12);
    }
}
