package org.univ.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.univ.TestModels;
import org.univ.io.AtomicFiles;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;
import org.univ.lora.LoRA;
import org.univ.loss.UnivObjective;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;
import org.univ.model.Backbones;
import org.univ.model.ModelConfig;
import org.univ.model.Weights;
import org.univ.util.ConfigException;
import org.univ.util.ThreadAutograd;

class TrainerTest {
    @TempDir
    Path dir;

    @AfterEach
    void noFaults() {
        AtomicFiles.setFaultInjector(null);
    }

    static PretrainConfig tinyConfig(long steps, int checkpointEvery) {
        return PretrainConfig.parse("{teacher: unused, data: {roots: [unused]}}", "test", List.of(
                "size=32", "batch=2", "steps=" + steps, "checkpoint_every=" + checkpointEvery,
                "optim.lr=5e-3", "optim.warmup_steps=2", "optim.schedule=cosine", "seed=3"));
    }

    /** A randomly initialised tiny teacher, saved once so every run starts from identical weights. */
    private Path teacherFile(ModelConfig config) {
        Path f = dir.resolve("teacher-" + config.arch() + ".safetensors");
        if (!Files.exists(f)) {
            try (NDManager m = NDManager.newBaseManager(); Backbone b = Backbones.create(config, m)) {
                b.module().initialize(42);
                Weights.save(b, f, Map.of());
            }
        }
        return f;
    }

    /** Runs (or resumes) a tiny training and returns the LoRA factors it ends with. */
    private Map<String, float[]> train(PretrainConfig cfg, ModelConfig arch, Path runDir, boolean resume) {
        return train(cfg, arch, runDir, resume, null);
    }

    private Map<String, float[]> train(PretrainConfig cfg, ModelConfig arch, Path runDir, boolean resume,
                                       StepListener listener) {
        Path teacher = teacherFile(arch);
        try (NDManager m = NDManager.newBaseManager();
             Backbone t = Backbones.load(teacher, m, true);
             Backbone s = Backbones.load(teacher, m, true);
             SyntheticBatches data = new SyntheticBatches(cfg.batch, cfg.size, 3, 9);
             Trainer trainer = new Trainer(cfg, t, s, data, runDir, m)) {
            if (resume) {
                trainer.resume(runDir);
            }
            trainer.run(listener);
            Map<String, float[]> out = new LinkedHashMap<>();
            LoRA.loraParameters(s.module()).forEach((n, p) -> out.put(n, p.array().toFloatArray()));
            return out;
        }
    }

    private static void assertSameWeights(Map<String, float[]> a, Map<String, float[]> b, float tol) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            float[] x = a.get(k);
            float[] y = b.get(k);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], tol, k + "[" + i + "]");
            }
        }
    }

    private static double rgbLoss(String metricsLine) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"loss_rgb\":([^,]+)").matcher(metricsLine);
        assertTrue(m.find(), metricsLine);
        return Double.parseDouble(m.group(1));
    }

    private static float maxDiff(Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet());
        float max = 0;
        for (String k : a.keySet()) {
            for (int i = 0; i < a.get(k).length; i++) {
                max = Math.max(max, Math.abs(a.get(k)[i] - b.get(k)[i]));
            }
        }
        return max;
    }

    private static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void resumeIsExact() {
        int k = 4;
        Path straight = dir.resolve("straight");
        Map<String, float[]> full = train(tinyConfig(2L * k, k), TestModels.tinyVit(), straight, false);

        // the same run killed during step k+1 (after its checkpoint at k), then resumed
        Path split = dir.resolve("split");
        StepListener killer = info -> {
            if (info.step() == k + 1) {
                throw new IllegalStateException("killed");
            }
        };
        assertThrows(IllegalStateException.class, () -> train(tinyConfig(2L * k, k), TestModels.tinyVit(), split, false, killer));
        assertEquals(k + 1, lines(split.resolve("metrics.jsonl")).size());
        Map<String, float[]> resumed = train(tinyConfig(2L * k, k), TestModels.tinyVit(), split, true);

        assertSameWeights(full, resumed, 1e-6f);
        assertEquals(lines(straight.resolve("metrics.jsonl")), lines(split.resolve("metrics.jsonl")));
        assertEquals(2 * k, lines(split.resolve("metrics.jsonl")).size());
        // training did something: the LoRA B factors moved away from zero
        assertTrue(full.entrySet().stream().filter(e -> e.getKey().endsWith("lora_B"))
                .anyMatch(e -> Math.abs(e.getValue()[0]) > 0));
    }

    @Test
    void convVitPretrainsThroughTheSameTrainerAndResumesExactly() {
        int k = 3;
        ModelConfig arch = TestModels.tinyConvViT();
        Map<String, float[]> full = train(tinyConfig(2L * k, k), arch, dir.resolve("cv-straight"), false);
        // the authors' setting: patch-embedding and 1x1 MLP convolutions are adapted too (lora.convolutions auto)
        assertTrue(full.containsKey("patch_embed1.proj.lora_A"), full.keySet().toString());
        assertTrue(full.containsKey("blocks1.0.mlp.fc1.lora_B"));
        assertTrue(full.containsKey("blocks3.0.attn.qkv.lora_A"));
        Path split = dir.resolve("cv-split");
        StepListener killer = info -> {
            if (info.step() == k + 1) {
                throw new IllegalStateException("killed");
            }
        };
        assertThrows(IllegalStateException.class, () -> train(tinyConfig(2L * k, k), arch, split, false, killer));
        assertSameWeights(full, train(tinyConfig(2L * k, k), arch, split, true), 1e-6f);
        assertEquals(lines(dir.resolve("cv-straight/metrics.jsonl")), lines(split.resolve("metrics.jsonl")));
    }

    @Test
    void killMidCheckpointWriteLeavesThePreviousCheckpointUsable() throws IOException {
        int k = 3;
        Path run = dir.resolve("killed");
        Map<String, float[]> full = train(tinyConfig(2L * k, k), TestModels.tinyVit(), dir.resolve("ref"), false);

        // the second checkpoint write dies half-way: the temp file is cut short and the "process" stops
        int[] saves = {0};
        AtomicFiles.setFaultInjector(tmp -> {
            if (++saves[0] == 2) {
                try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(ch.size() / 2);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throw new IllegalStateException("simulated kill during checkpoint write");
            }
        });
        assertThrows(IllegalStateException.class, () -> train(tinyConfig(2L * k, k), TestModels.tinyVit(), run, false));
        AtomicFiles.setFaultInjector(null);

        Path ckpts = run.resolve("checkpoints");
        assertTrue(Files.exists(ckpts.resolve("step-00000003.safetensors")));
        assertFalse(Files.exists(ckpts.resolve("step-00000006.safetensors")), "a half-written checkpoint never gets its name");
        // a damaged file under a checkpoint name (a bad copy, say) is skipped with a warning, not trusted
        Files.write(ckpts.resolve("step-00000009.safetensors"), new byte[] {1, 2, 3});
        try (NDManager m = NDManager.newBaseManager(); TrainCheckpoint.State s = TrainCheckpoint.loadLatest(run, m)) {
            assertEquals(3, s.step());
            assertFalse(s.lora().isEmpty());
        }
        Files.delete(ckpts.resolve("step-00000009.safetensors"));
        Map<String, float[]> resumed = train(tinyConfig(2L * k, k), TestModels.tinyVit(), run, true);
        assertSameWeights(full, resumed, 1e-6f);
    }

    @Test
    void nonFiniteLossStopsNamingStepTermsAndCheckpoint() {
        Path teacher = teacherFile(TestModels.tinyVit());
        PretrainConfig cfg = tinyConfig(6, 2);
        try (NDManager m = NDManager.newBaseManager();
             Backbone t = Backbones.load(teacher, m, true);
             Backbone s = Backbones.load(teacher, m, true);
             SyntheticBatches data = new SyntheticBatches(cfg.batch, cfg.size, 3, 9);
             Trainer trainer = new Trainer(cfg, t, s, data, dir.resolve("nan"), m)) {
            StepListener poison = info -> {
                if (info.step() == 3) {
                    data.irScale = Float.NaN;
                }
            };
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> trainer.run(poison));
            assertTrue(e.getMessage().contains("step 4"), e.getMessage());
            assertTrue(e.getMessage().contains("IR PCCL NaN"), e.getMessage());
            assertTrue(e.getMessage().contains("step-00000002.safetensors"), e.getMessage());
        }
    }

    @Test
    void exportedStudentLoadsAsAPlainModelAndDiffersFromTheTeacher() {
        Path teacher = teacherFile(TestModels.tinyVit());
        PretrainConfig cfg = tinyConfig(3, 3);
        Path out = dir.resolve("student.safetensors");
        try (NDManager m = NDManager.newBaseManager();
             Backbone t = Backbones.load(teacher, m, true);
             Backbone s = Backbones.load(teacher, m, true);
             SyntheticBatches data = new SyntheticBatches(cfg.batch, cfg.size, 3, 9);
             Trainer trainer = new Trainer(cfg, t, s, data, dir.resolve("exp"), m)) {
            // r 8 on dim 32, 2 blocks: qkv 8·(32+96) + proj 8·64 + fc1 8·(32+128) + fc2 8·(128+32) = 4096 per block
            assertEquals(8192, trainer.loraReport().trainable());
            trainer.run(null);
            trainer.exportStudent(out);
            StateDict sd = SafeTensors.load(out, m);
            assertEquals("student", sd.metadata().get("univ_role"));
            assertFalse(sd.names().stream().anyMatch(n -> n.contains("lora")));
            try (Backbone plain = Backbones.load(out, m, true); NDScope scope = new NDScope()) {
                var x = TestModels.randn(m, 1, 1, 3, 32, 32);
                assertNotEquals(0f, TestModels.maxAbsDiff(plain.forward(x).patchTokens(), t.forward(x).patchTokens()));
                assertArrayEquals(s.forward(x).patchTokens().toFloatArray(), plain.forward(x).patchTokens().toFloatArray(),
                        1e-5f);
            }
        }
    }

    /**
     * The trainer runs the IR and then the RGB student pass, each back-propagated before the next: its gradient must be
     * the one of a single pass over [RGB; IR] through {@link UnivObjective#compute}, with every term on.
     */
    @ParameterizedTest
    @ValueSource(strings = {"true", "false"})
    void separateModalityPassesGiveTheGradientOfOneJointPass(String splitPasses) {
        PretrainConfig cfg = tinyConfig(1, 1);
        cfg.splitPasses = splitPasses;
        cfg.lora.dropout = 0; // no masks: both ways see the same student
        cfg.loss.rgb = "feature";
        cfg.loss.colocated = 0.5;
        cfg.loss.rgbBlocks = List.of(0);
        Path teacher = teacherFile(TestModels.tinyVit());
        Map<String, float[]> split = new LinkedHashMap<>();
        Map<String, float[]> joint = new LinkedHashMap<>();
        double[] losses = new double[2];
        try (NDManager m = NDManager.newBaseManager();
             Backbone t = Backbones.load(teacher, m, true);
             Backbone s = Backbones.load(teacher, m, true);
             SyntheticBatches data = new SyntheticBatches(cfg.batch, cfg.size, 3, 9);
             SyntheticBatches sameData = new SyntheticBatches(cfg.batch, cfg.size, 3, 9);
             Trainer trainer = new Trainer(cfg, t, s, data, dir.resolve("joint"), m)) {
            trainer.setGradientReducer((loss, grads) -> {
                grads.forEach((n, g) -> split.put(n, g.toFloatArray()));
                losses[0] = loss.total();
                grads.values().forEach(g -> g.muli(0f));
                try (NDManager jm = m.newSubManager(); NDScope scope = new NDScope();
                     ThreadAutograd autograd = new org.univ.util.ThreadAutograd()) {
                    NDList batch = sameData.next(jm);
                    NDArray rgb = batch.get(0);
                    int[] blocks = {0};
                    BackboneOutput to = t.forward(rgb, blocks);
                    BackboneOutput so = s.forward(rgb.concat(batch.get(1), 0), blocks); // [2B, N, D]
                    long b = rgb.getShape().get(0);
                    UnivObjective.Terms terms = trainer.objective().compute(to,
                            so.patchTokens().get(b + ":"), so.patchTokens().get("0:" + b),
                            so.blockTokens().stream().map(x -> x.get("0:" + b)).toList());
                    losses[1] = terms.total().getFloat();
                    autograd.backward(terms.total());
                }
                grads.forEach((n, g) -> joint.put(n, g.toFloatArray()));
                return loss;
            });
            trainer.run(null);
        }
        assertEquals(losses[1], losses[0], 1e-5 * Math.abs(losses[1]));
        assertTrue(split.values().stream().anyMatch(g -> IntStream.range(0, g.length)
                .anyMatch(i -> g[i] != 0)), "the gradient must not vanish");
        assertSameWeights(joint, split, 1e-5f);
    }

    /** RGB preservation on an intermediate block: its relative error enters the RGB term and moves it off the plain run. */
    @Test
    void rgbPreservationOnIntermediateBlocksTrainsAndReportsInTheRgbTerm() {
        PretrainConfig plain = tinyConfig(3, 3);
        plain.loss.rgb = "feature";
        PretrainConfig tapped = tinyConfig(3, 3);
        tapped.loss.rgb = "feature";
        tapped.loss.rgbBlocks = List.of(0);
        tapped.loss.rgbBlocksWeight = 50;
        Map<String, float[]> a = train(plain, TestModels.tinyVit(), dir.resolve("rgb-plain"), false);
        Map<String, float[]> b = train(tapped, TestModels.tinyVit(), dir.resolve("rgb-blocks"), false);
        assertTrue(maxDiff(a, b) > 0, "the block term must change the trained adapters");
        List<String> first = lines(dir.resolve("rgb-plain/metrics.jsonl"));
        List<String> second = lines(dir.resolve("rgb-blocks/metrics.jsonl"));
        assertTrue(rgbLoss(first.get(0)) < 1e-9 && rgbLoss(second.get(0)) < 1e-9, "step 1: student = teacher");
        assertTrue(rgbLoss(second.get(2)) > 0 && rgbLoss(second.get(2)) != rgbLoss(first.get(2)), second.get(2));
        tapped.loss.rgbBlocks = List.of(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train(tapped, TestModels.tinyVit(), dir.resolve("rgb-bad"), false));
        assertTrue(e.getMessage().contains("block 2"), e.getMessage());
        ConfigException negative = assertThrows(ConfigException.class, () -> PretrainConfig.parse(
                "{teacher: t, data: {roots: [x]}, steps: 1}", "c.yaml", List.of("loss.rgb_blocks=[-1]")));
        assertTrue(negative.getMessage().contains("loss.rgb_blocks"), negative.getMessage());
    }

    @Test
    void splitPassesAutoSplitsLargeBatchesOnly() {
        PretrainConfig cfg = tinyConfig(1, 1);
        assertEquals("auto", cfg.splitPasses);
        assertFalse(cfg.splitPasses(16 * 49), "112 px / B 16: one pass");
        assertTrue(cfg.splitPasses(16 * 196), "224 px / B 16: separate passes");
        cfg.splitPasses = "true";
        assertTrue(cfg.splitPasses(8));
        cfg.splitPasses = "false";
        assertFalse(cfg.splitPasses(1 << 20));
        ConfigException bad = assertThrows(ConfigException.class, () -> PretrainConfig.parse(
                "{teacher: t, data: {roots: [x]}, steps: 1}", "c.yaml", List.of("split_passes=sometimes")));
        assertTrue(bad.getMessage().contains("split_passes"), bad.getMessage());
    }

    @Test
    void configErrorsNameTheKey() {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> PretrainConfig.parse("{data: {roots: [x]}, steps: 1}", "c.yaml", List.of()));
        assertTrue(missing.getMessage().contains("'teacher'"), missing.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> PretrainConfig.parse("{teacher: t, data: {roots: [x]}, steps: 1, optim: {lrr: 1}}", "c.yaml", List.of()));
        assertTrue(unknown.getMessage().contains("'lrr'") && unknown.getMessage().contains("optim"), unknown.getMessage());
        ConfigException noRoots = assertThrows(ConfigException.class,
                () -> PretrainConfig.parse("{teacher: t, steps: 1}", "c.yaml", List.of()));
        assertTrue(noRoots.getMessage().contains("data.roots"), noRoots.getMessage());
        PretrainConfig c = PretrainConfig.parse("{teacher: t, data: {roots: [x]}, steps: 1}", "c.yaml",
                List.of("optim.lr=9.4e-5", "lora.targets=[qkv, fc2]", "batch=16"));
        assertEquals(9.4e-5, c.peakLr(), 1e-12);
        assertEquals(List.of("qkv", "fc2"), c.lora.targets);
        assertEquals(PretrainConfig.parse(c.toYaml(), "again", List.of()).toYaml(), c.toYaml());
        assertEquals(1.5e-4 * 16 / 256, PretrainConfig.parse("{teacher: t, data: {roots: [x]}, steps: 1, batch: 16}",
                "d", List.of()).peakLr(), 1e-15);
    }

    @Test
    void sizeIsASideOrWidthByHeight() {
        PretrainConfig square = PretrainConfig.parse("{teacher: t, data: {roots: [x]}, steps: 1, size: 112}", "c", List.of());
        assertEquals(112, square.size);
        assertEquals(112, square.height());
        PretrainConfig wide = PretrainConfig.parse("{teacher: t, data: {roots: [x]}, steps: 1}", "c", List.of("size=448x336"));
        assertEquals(448, wide.size);
        assertEquals(336, wide.height());
        assertTrue(wide.toYaml().contains("size: \"448x336\""), wide.toYaml());
        assertEquals(336, PretrainConfig.parse(wide.toYaml(), "again", List.of()).height());
        for (String bad : List.of("size=448x330", "size=big", "size=0")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> PretrainConfig.parse("{teacher: t, data: {roots: [x]}, steps: 1}", "c", List.of(bad)));
            assertTrue(e.getMessage().contains("size"), e.getMessage());
        }
    }

    @Test
    void schedulesAreThePlainFunctions() {
        assertEquals(0, Schedules.learningRate(1e-3, 1e-6, 10, 0, 100, true), 0);
        assertEquals(5e-4, Schedules.learningRate(1e-3, 1e-6, 10, 5, 100, true), 1e-15);
        assertEquals(1e-3, Schedules.learningRate(1e-3, 1e-6, 10, 10, 100, true), 1e-15);
        assertEquals(1e-6, Schedules.learningRate(1e-3, 1e-6, 10, 100, 100, true), 1e-15);
        assertEquals((1e-3 + 1e-6) / 2, Schedules.learningRate(1e-3, 1e-6, 0, 50, 100, true), 1e-12);
        assertEquals(0.05, Schedules.cosine(0.05, 0.5, 0, 100), 1e-15);
        assertEquals(0.5, Schedules.cosine(0.05, 0.5, 100, 100), 1e-15);
        assertEquals(7e-4, Schedules.learningRate(7e-4, 1e-6, 0, 77, 100, false), 0);
    }
}
