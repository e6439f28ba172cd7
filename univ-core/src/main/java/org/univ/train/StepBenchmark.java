package org.univ.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.ViTConfig;

/**
 * The compute-only UNIV step (teacher forward on B RGB images without gradient, targets, student forward on
 * 2B images, both PCCL terms, backward, per-tensor clip, AdamW) on fixed random inputs, timed after warm-up —
 * the same {@link Trainer#trainStep} that pre-training runs. Reports pairs/s, ms/step, achieved GFLOP/s from
 * a FLOP count of the model config and the fraction of this machine's FP32 matmul peak measured in-process.
 */
public final class StepBenchmark {
    private StepBenchmark() {}

    public record Result(int size, int batch, int threads, int steps, double msPerStep, double pairsPerSecond,
                         double gflopPerStep, double gflops, double peakGflops) {
        public double fractionOfPeak() {
            return gflops / peakGflops;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("size", size);
            m.put("batch", batch);
            m.put("threads", threads);
            m.put("steps", steps);
            m.put("ms_per_step", round(msPerStep));
            m.put("pairs_per_s", round(pairsPerSecond));
            m.put("gflop_per_step", round(gflopPerStep));
            m.put("gflops", round(gflops));
            m.put("peak_gflops", round(peakGflops));
            m.put("fraction_of_peak", round(fractionOfPeak()));
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 1000) / 1000.0;
        }
    }

    /**
     * @param teacher weights of the teacher (null: a randomly initialised DeiT-Tiny — the same compute)
     */
    public static Result run(Path teacher, int size, int batch, int steps, int warmup, int threads) throws Exception {
        Path tmp = Files.createTempDirectory("univ-bench");
        PretrainConfig cfg = PretrainConfig.parse("{teacher: bench, data: {roots: [random]}}", "bench", List.of(
                "size=" + size, "batch=" + batch, "steps=" + (steps + warmup), "threads=" + threads,
                "optim.lr=1e-4", "optim.schedule=constant", "optim.weight_decay_end=0.05"));
        try (NDManager manager = NDManager.newBaseManager();
             Backbone t = load(teacher, manager);
             Backbone s = load(teacher, manager);
             RandomBatches data = new RandomBatches(batch, size, 1);
             Trainer trainer = new Trainer(cfg, t, s, data, tmp, manager)) {
            for (int i = 0; i < warmup; i++) {
                trainer.trainStep(1e-4, 0.05);
            }
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                trainer.trainStep(1e-4, 0.05);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double flop = stepFlop((ViTConfig) t.config(), size, batch, trainer.loraReport().trainable());
            double peak = matmulPeakGflops(manager);
            return new Result(size, batch, threads, steps, 1000 * seconds / steps, steps * batch / seconds,
                    flop / 1e9, flop * steps / seconds / 1e9, peak);
        }
    }

    /** Inference: images/s of one backbone forward (no gradient) on {@code batch} random images at {@code size} px. */
    public static double forwardImagesPerSecond(Path weights, int size, int batch, int steps, int warmup) {
        try (NDManager manager = NDManager.newBaseManager(); Backbone b = load(weights, manager)) {
            NDArray images = manager.randomNormal(new Shape(batch, 3, size, size));
            long start = 0;
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    start = System.nanoTime();
                }
                try (NDScope scope = new NDScope()) {
                    b.forward(images).patchTokens().getFloat(0, 0, 0);
                }
            }
            return (double) steps * batch / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static Backbone load(Path teacher, NDManager manager) {
        if (teacher != null) {
            return Backbones.load(teacher, manager, true);
        }
        Backbone b = Backbones.create(ViTConfig.preset("tiny").optNumClasses(1000).build(), manager);
        b.module().initialize(0);
        return b;
    }

    /** Multiply-adds ×2 of one ViT forward over {@code images} images at {@code size} px (heads excluded). */
    public static double forwardFlop(ViTConfig c, int size, int images) {
        double n = Math.pow(size / (double) c.patchSize(), 2);
        double t = n + 1;
        double d = c.embedDim();
        double hidden = d * c.mlpRatio();
        double patch = 2 * n * d * 3 * c.patchSize() * c.patchSize();
        double block = 2 * t * d * 3 * d      // qkv
                + 2 * 2 * t * t * d           // QKᵀ and attention·V over all heads
                + 2 * t * d * d               // proj
                + 2 * 2 * t * d * hidden;     // fc1, fc2
        return images * (patch + c.depth() * block);
    }

    /**
     * FLOPs of one step: teacher forward (B) + student forward (2B) + student backward (2B). The backbone
     * is frozen, so backward computes activation gradients (≈ one forward) and only the small LoRA weight
     * gradients; the LoRA forward/backward adds ≈ 6 · tokens · trainable.
     */
    public static double stepFlop(ViTConfig c, int size, int batch, long loraParams) {
        double tokens = Math.pow(size / (double) c.patchSize(), 2) + 1;
        return forwardFlop(c, size, batch) + 2 * forwardFlop(c, size, 2 * batch)
                + 6 * tokens * 2 * batch * loraParams;
    }

    /** FP32 GFLOP/s of a large square matmul in this process (best of a few runs). */
    public static double matmulPeakGflops(NDManager manager) {
        int n = 1536;
        double best = 0;
        try (NDScope scope = new NDScope()) {
            NDArray a = manager.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = manager.randomUniform(-1, 1, new Shape(n, n));
            for (int i = 0; i < 6; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.getFloat(0, 0); // force completion
                double s = (System.nanoTime() - t0) / 1e9;
                c.close();
                if (i > 0) {
                    best = Math.max(best, 2.0 * n * n * n / s / 1e9);
                }
            }
        }
        return best;
    }
}
