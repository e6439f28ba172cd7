package org.univ.downstream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.univ.data.synth.SceneGenerator;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.ViTConfig;
import org.univ.util.Tensors;

/**
 * What the downstream speed benchmarks ({@code univ bench det}, {@code univ bench seg}) share: the backbone (given
 * weights, else a randomly initialised DeiT-Tiny — the same compute), the data (a given root, else generated
 * 640×480 scenes with boxes and masks), inference images/s on random inputs and training steps/s after a warm-up.
 */
public final class DownstreamBenchmark {
    /** Scenes generated when no data root is given. */
    public static final int GENERATED_SCENES = 32;

    private DownstreamBenchmark() {}

    /** The checkpoint, or a randomly initialised DeiT-Tiny when {@code weights} is null. */
    public static Backbone backbone(Path weights, NDManager manager) {
        if (weights != null) {
            return Backbones.load(weights, manager, true);
        }
        Backbone b = Backbones.create(ViTConfig.preset("tiny").build(), manager);
        b.module().initialize(0);
        return b;
    }

    /**
     * Runs {@code body} on a data root: {@code data}, or {@link #GENERATED_SCENES} generated 640×480 scenes (vi/, ir/,
     * YOLO labels, masks) in a temporary folder deleted afterwards.
     */
    public static <T> T onData(String data, Function<String, T> body) {
        if (data != null) {
            return body.apply(data);
        }
        Path tmp;
        try {
            tmp = Files.createTempDirectory("univ-bench");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the generated scenes: " + e, e);
        }
        try {
            SceneGenerator.builder().optSize(640, 480).optSeed(1).build().write(tmp.resolve("scenes"), GENERATED_SCENES);
            return body.apply(tmp.resolve("scenes").toString());
        } finally {
            deleteTree(tmp);
        }
    }

    /**
     * Images/s of {@code forward} on a fixed random normalised batch {@code [batch, 3, height, width]}: {@code warmup}
     * untimed calls, then {@code steps} timed ones, each in its own scope.
     */
    public static double imagesPerSecond(Consumer<NDArray> forward, int batch, int width, int height, int steps,
                                         int warmup, NDManager manager) {
        float[] pixels = new float[batch * 3 * width * height];
        SplittableRandom rng = new SplittableRandom(0);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rng.nextGaussian();
        }
        long start = 0;
        for (int i = 0; i < warmup + steps; i++) {
            if (i == warmup) {
                start = System.nanoTime();
            }
            try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
                forward.accept(Tensors.fromFloats(m, pixels, new Shape(batch, 3, height, width)));
            }
        }
        return (double) steps * batch / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Steps/s of a training run from the seconds since its start at the end of every step: the steps after the
     * first {@code warmup}, timed from the end of the last warm-up step.
     */
    public static double stepsPerSecond(List<Double> secondsAtStep, int warmup) {
        int n = secondsAtStep.size();
        if (n <= warmup) {
            throw new IllegalArgumentException("no timed steps: " + n + " steps with " + warmup + " for warm-up");
        }
        double start = warmup == 0 ? 0 : secondsAtStep.get(warmup - 1);
        return (n - warmup) / (secondsAtStep.get(n - 1) - start);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
