package org.univ.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.data.RootSpec;
import org.univ.downstream.Modality;
import org.univ.io.CheckpointException;
import org.univ.lora.LoRA;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.Parameter;
import org.univ.model.VisionTransformer;
import org.univ.model.Weights;
import org.univ.train.NonFiniteLossException;
import org.univ.util.Tensors;

/** Seeded determinism, the NaN stop, fine-tuning with LoRA, and save/load round trips of heads. */
class DetectionTrainingTest {
    @TempDir
    static Path dir;
    private static NDManager manager;
    private static VisionTransformer backbone;
    private static Path backboneFile;
    private static DetectionDataset data;
    private static DetectionImages images;
    private static FeatureCache cache;
    private static final DetectionConfig CONFIG = DetectionConfig.builder().optSize(64, 48).optChannels(16)
            .optIterations(4).optBatch(4).optWarmup(1).build();

    @BeforeAll
    static void setUp() {
        DetectionScenes.write(dir.resolve("data"), 6, 64, 48, 2);
        data = DetectionDataset.yolo(RootSpec.of(dir.resolve("data")), Modality.RGB);
        manager = NDManager.newBaseManager();
        backbone = new VisionTransformer(TestModels.tinyVit(), manager);
        backbone.initialize(3);
        backboneFile = dir.resolve("backbone.safetensors");
        Weights.save(backbone, backboneFile, Map.of());
        images = DetectionImages.of(Modality.RGB, backbone.config());
        cache = FeatureCache.build(backbone, data, images, 64, 48, true, null, false, 16, manager, null);
    }

    @AfterAll
    static void tearDown() {
        cache.close();
        manager.close();
    }

    private static Map<String, float[]> weights(Detector d) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        d.namedParameters().forEach((n, p) -> out.put(n, p.array().toFloatArray()));
        return out;
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        try (Detector a = Detector.forBackbone(manager, backbone, 2, CONFIG);
             Detector b = Detector.forBackbone(manager, backbone, 2, CONFIG);
             Detector c = Detector.forBackbone(manager, backbone, 2, CONFIG)) {
            DetectionTrainer.trainFrozen(a, cache, CONFIG, 7, null);
            DetectionTrainer.trainFrozen(b, cache, CONFIG, 7, null);
            DetectionTrainer.trainFrozen(c, cache, CONFIG, 8, null);
            Map<String, float[]> wa = weights(a);
            Map<String, float[]> wb = weights(b);
            Map<String, float[]> wc = weights(c);
            wa.forEach((n, v) -> assertTrue(java.util.Arrays.equals(v, wb.get(n)), n + " differs for the same seed"));
            assertNotEquals(0, java.util.Arrays.compare(wa.get("head.conv.weight"), wc.get("head.conv.weight")));
            // the cache serves every seed unchanged: a fourth run repeats the first
            try (Detector d = Detector.forBackbone(manager, backbone, 2, CONFIG)) {
                DetectionTrainer.trainFrozen(d, cache, CONFIG, 7, null);
                assertTrue(java.util.Arrays.equals(wa.get("head.size.bias"), weights(d).get("head.size.bias")));
            }
        }
    }

    @Test
    void aNonFiniteLossStopsTrainingWithTheStep() {
        DetectionConfig wild = CONFIG.toBuilder().optLr(1e30).optWarmup(0).optIterations(20).build();
        try (Detector d = Detector.forBackbone(manager, backbone, 2, wild)) {
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                    () -> DetectionTrainer.trainFrozen(d, cache, wild, 1, null));
            assertTrue(e.getMessage().contains("not finite at step"), e.getMessage());
        }
    }

    @Test
    void aFrozenHeadSavesAndLoadsWithItsMetadata() {
        Path head = dir.resolve("frozen.safetensors");
        try (NDScope scope = new NDScope();
             Detector d = Detector.forBackbone(manager, backbone, 2, CONFIG)) {
            DetectionTrainer.trainFrozen(d, cache, CONFIG, 1, null);
            DetectionModel trained = new DetectionModel(backbone, d, CONFIG, data.categories(), Modality.RGB, false);
            trained.save(head);
            NDArray input = TestModels.randn(manager, 1, 2, 3, 48, 64);
            float[] before = trained.headOutput(input).heatmapLogits().toFloatArray();
            try (NDManager other = NDManager.newBaseManager();
                 DetectionModel loaded = DetectionModel.load(backboneFile, head, other)) {
                assertEquals(List.of("square", "bar"), loaded.classNames());
                assertEquals(Modality.RGB, loaded.modality());
                assertEquals(CONFIG.toYaml(), loaded.config().toYaml());
                float[] after = loaded.headOutput(input).heatmapLogits().toFloatArray();
                assertEquals(0, maxAbsDiff(before, after), 1e-6);
                List<Detection> a = trained.detect(images.decode(data.get(0).image()));
                List<Detection> b = loaded.detect(images.decode(data.get(0).image()));
                assertEquals(a, b);
            }
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> DetectionModel.metadata(backboneFile));
        assertTrue(e.getMessage().contains("not a detection head"), e.getMessage());
    }

    @Test
    void loraFineTuningTrainsTheBackboneAndRoundTrips() {
        DetectionConfig ft = CONFIG.toBuilder().optProtocol(DetectionConfig.FINETUNE).optIterations(3)
                .optLora(4, 8, 0.1).build();
        Path head = dir.resolve("lora.safetensors");
        try (NDManager m = NDManager.newBaseManager();
             Backbone own = Backbones.load(backboneFile, m, true);
             Detector d = Detector.forBackbone(m, own, 2, ft)) {
            DetectionTrainer.trainOnline(d, own, data, images, ft, 5, null);
            Map<String, Parameter> factors = LoRA.loraParameters(own.module());
            assertEquals(2 * 4 * 2, factors.size());                    // 2 blocks × 4 targets × (A, B)
            assertTrue(factors.entrySet().stream().filter(e -> e.getKey().endsWith("lora_B"))
                    .anyMatch(e -> e.getValue().array().abs().sum().getFloat() > 0), "LoRA B left at zero");
            DetectionModel trained = new DetectionModel(own, d, ft, data.categories(), Modality.RGB, false);
            trained.save(head);
            try (NDScope scope = new NDScope(); NDManager other = NDManager.newBaseManager();
                 DetectionModel loaded = DetectionModel.load(backboneFile, head, other)) {
                NDArray input = Tensors.fromFloats(m, new float[2 * 3 * 48 * 64], new Shape(2, 3, 48, 64))
                        .add(TestModels.randn(m, 4, 2, 3, 48, 64));
                assertEquals(0, maxAbsDiff(trained.headOutput(input).logSize().toFloatArray(),
                        loaded.headOutput(input).logSize().toFloatArray()), 1e-5);
                assertEquals(LoRA.loraParameters(own.module()).keySet(),
                        LoRA.loraParameters(loaded.backbone().module()).keySet());
            }
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
