package org.univ;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.ConvViTConfig;
import org.univ.model.ViTConfig;
import org.univ.model.Weights;

/** Tiny models and inputs for fast tests (dim 32, depth 2, 32 px; a ConvViT of the same scale). */
public final class TestModels {
    private TestModels() {}

    public static ViTConfig tinyVit() {
        return ViTConfig.builder().setEmbedDim(32).setDepth(2).setNumHeads(2).optImgSize(32).optNumClasses(5).build();
    }

    /** A ConvMAE ConvViT of widths 16/24/32, one block per stage, 2 heads, 32 px (a 2×2 token grid). */
    public static ConvViTConfig tinyConvViT() {
        return ConvViTConfig.builder().setEmbedDims(16, 24, 32).setDepths(1, 1, 1).setNumHeads(2).optImgSize(32).build();
    }

    /** A {@link #tinyVit()} with weights drawn from {@code seed}, saved as safetensors at {@code file}; returns it. */
    public static Path saveTinyVit(Path file, long seed) {
        try (NDManager m = NDManager.newBaseManager(); Backbone b = Backbones.create(tinyVit(), m)) {
            b.module().initialize(seed);
            Weights.save(b, file, Map.of());
        }
        return file;
    }

    public static NDArray randn(NDManager m, long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape s = new Shape(shape);
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return m.create(v, s);
    }

    public static float maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
