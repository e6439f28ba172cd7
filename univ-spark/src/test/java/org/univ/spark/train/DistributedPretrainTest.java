package org.univ.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.lora.LoRA;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.spark.LocalSpark;
import org.univ.util.ConfigException;
import org.univ.train.PairBatches;
import org.univ.train.PretrainConfig;
import org.univ.train.TrainCheckpoint;
import org.univ.train.Trainer;

/**
 * The acceptance tests of data-parallel pre-training (local[2], tiny ViT, generated pairs): 2 workers × half the
 * batch give the single-machine trainer's weights; a worker killed mid-run is restarted from the checkpoint and the
 * run ends where an uninterrupted one does.
 */
class DistributedPretrainTest {
    private static final int STEPS = 20;
    private static final int EVERY = 5;

    @TempDir
    static Path dir;
    static Path data;
    static Path teacher;

    @BeforeAll
    static void fixtures() {
        data = LocalSpark.scenes(dir.resolve("scenes"), 12);
        teacher = TestModels.saveTinyVit(dir.resolve("teacher.safetensors"), 42);
    }

    static PretrainConfig config(Path out, String dropout) {
        return PretrainConfig.parse("{}", "test", List.of("teacher=" + teacher, "data.roots=[" + data + "]",
                "out=" + out, "size=32", "batch=4", "steps=" + STEPS, "checkpoint_every=" + EVERY, "seed=3",
                "optim.lr=2e-3", "optim.warmup_steps=2", "lora.dropout=" + dropout, "data.workers=1", "data.cache_mb=16"));
    }

    /** The plain single-machine trainer on the whole batch. */
    static Map<String, float[]> singleMachine(PretrainConfig cfg) {
        try (NDManager m = NDManager.newBaseManager();
             Backbone t = Backbones.load(teacher, m, true);
             Backbone s = Backbones.load(teacher, m, true);
             PairBatches batches = PairBatches.fromConfig(cfg);
             Trainer trainer = new Trainer(cfg, t, s, batches, Path.of(cfg.out), m)) {
            trainer.run(null);
            Map<String, float[]> out = new LinkedHashMap<>();
            LoRA.loraParameters(s.module()).forEach((n, p) -> out.put(n, p.array().toFloatArray()));
            return out;
        }
    }

    /** The LoRA factors of a run's newest checkpoint. */
    static Map<String, float[]> checkpointWeights(Path run) {
        try (NDManager m = NDManager.newBaseManager(); TrainCheckpoint.State s = TrainCheckpoint.loadLatest(run, m)) {
            assertEquals(STEPS, s.step());
            Map<String, float[]> out = new LinkedHashMap<>();
            s.lora().forEach((n, a) -> out.put(n, a.toFloatArray()));
            return out;
        }
    }

    static DistributedPretrain.Result distributed(PretrainConfig cfg, FaultInjection fault) {
        return DistributedPretrain.builder().setConfig(cfg).setWorkers(2).optFaultInjection(fault).optMaxRestarts(1)
                .optCollectiveTimeout(60).build().run(LocalSpark.context());
    }

    static float maxAbsDiff(Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet());
        float max = 0;
        for (String k : a.keySet()) {
            float[] x = a.get(k);
            float[] y = b.get(k);
            assertEquals(x.length, y.length, k);
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }

    @Test
    void twoWorkersWithHalfTheBatchEqualOneMachineWithTheWholeBatch() {
        Map<String, float[]> single = singleMachine(config(dir.resolve("single"), "0"));
        DistributedPretrain.Result r = distributed(config(dir.resolve("dist"), "0"), null);

        assertEquals(STEPS, r.steps());
        assertEquals(1, r.attempts());
        Map<String, float[]> spark = checkpointWeights(r.runDir());
        float diff = maxAbsDiff(single, spark);
        System.out.printf("2 workers x batch 2 vs 1 machine x batch 4, %d steps: LoRA max-abs-diff %.3g%n", STEPS, diff);
        assertTrue(diff <= 1e-5, "max-abs-diff " + diff);
        assertTrue(spark.entrySet().stream().filter(e -> e.getKey().endsWith("lora_B"))
                .anyMatch(e -> Math.abs(e.getValue()[0]) > 1e-4), "training moved the LoRA B factors");
        // both workers hashed identical weights at every checkpoint (the driver compares them, equal or it throws)
        assertEquals(List.of(5L, 10L, 15L, 20L), List.copyOf(r.checkpointHashes().keySet()));
        for (WorkerReport w : r.reports()) {
            assertEquals(r.checkpointHashes(), w.loraHashes());
        }
        assertEquals(2, r.reports().size());
        assertTrue(Files.exists(r.student()));
        assertEquals(STEPS, lines(r.runDir().resolve("metrics.jsonl")).size());
        assertTrue(Files.exists(r.runDir().resolve("summary.json")));
    }

    @Test
    void aWorkerKilledMidRunIsRestartedFromTheCheckpointAndEndsWithTheSameWeights() {
        DistributedPretrain.Result straight = distributed(config(dir.resolve("straight"), "0.1"), null);
        DistributedPretrain.Result killed = distributed(config(dir.resolve("killed"), "0.1"), new FaultInjection(1, 7));

        assertEquals(1, straight.attempts());
        assertEquals(2, killed.attempts());
        assertEquals(5, killed.reports().get(0).fromStep(), "the second attempt resumed from the step-5 checkpoint");
        float diff = maxAbsDiff(checkpointWeights(straight.runDir()), checkpointWeights(killed.runDir()));
        System.out.printf("killed at step 7 and restarted vs uninterrupted: LoRA max-abs-diff %.3g%n", diff);
        assertTrue(diff <= 1e-6, "max-abs-diff " + diff);
        assertEquals(lines(straight.runDir().resolve("metrics.jsonl")), lines(killed.runDir().resolve("metrics.jsonl")));
        assertEquals(straight.checkpointHashes().get(20L), killed.checkpointHashes().get(20L));
    }

    @Test
    void aFreshRunRefusesAFolderWithCheckpointsAndUnevenShardsAreRefused() throws IOException {
        Path used = dir.resolve("used");
        Files.createDirectories(used.resolve("checkpoints"));
        Files.write(used.resolve("checkpoints/step-00000005.safetensors"), new byte[] {1});
        ConfigException e = assertThrows(ConfigException.class, () -> distributed(config(used, "0"), null));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());

        ConfigException uneven = assertThrows(ConfigException.class, () -> DistributedPretrain.builder()
                .setConfig(config(dir.resolve("uneven"), "0")).setWorkers(3).build().run(LocalSpark.context()));
        assertTrue(uneven.getMessage().contains("multiple of --workers"), uneven.getMessage());
    }

    @Test
    void aNonFiniteLossStopsEveryWorkerAtTheSameStepWithoutRestarting() {
        PretrainConfig cfg = PretrainConfig.parse(config(dir.resolve("nan"), "0").toYaml(), "test",
                List.of("optim.lr=1.0e+30", "optim.warmup_steps=0", "optim.clip=0"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DistributedPretrain.builder().setConfig(cfg)
                .setWorkers(2).optMaxRestarts(3).optCollectiveTimeout(60).build().run(LocalSpark.context()));
        assertTrue(e.getMessage().startsWith("loss is not finite at step "), e.getMessage());
        assertTrue(lines(dir.resolve("nan/metrics.jsonl")).size() < STEPS);
    }

    static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
