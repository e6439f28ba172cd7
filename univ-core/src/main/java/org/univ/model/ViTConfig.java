package org.univ.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that defines a plain ViT (timm {@code VisionTransformer}): width, depth, heads, patch,
 * MLP ratio, native input size (the grid {@code pos_embed} was trained on), classifier classes
 * (0 = no head), LayerNorm eps and the input normalisation the weights expect.
 * Built with {@link #builder()} ({@code setX} required, {@code optX} optional) or a {@link #preset}.
 */
public final class ViTConfig implements ModelConfig {
    public static final String ARCH = "vit";

    private final int embedDim;
    private final int depth;
    private final int numHeads;
    private final int patchSize;
    private final double mlpRatio;
    private final int imgSize;
    private final int numClasses;
    private final float lnEps;
    private final float[] mean;
    private final float[] std;

    private ViTConfig(Builder b) {
        this.embedDim = b.embedDim;
        this.depth = b.depth;
        this.numHeads = b.numHeads;
        this.patchSize = b.patchSize;
        this.mlpRatio = b.mlpRatio;
        this.imgSize = b.imgSize;
        this.numClasses = b.numClasses;
        this.lnEps = b.lnEps;
        this.mean = b.mean.clone();
        this.std = b.std.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** tiny 192/12/3, small 384/12/6, base 768/12/12 (patch 16, 224 px, ImageNet-1k head). */
    public static Builder preset(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny": return builder().setEmbedDim(192).setDepth(12).setNumHeads(3);
            case "small": return builder().setEmbedDim(384).setDepth(12).setNumHeads(6);
            case "base": return builder().setEmbedDim(768).setDepth(12).setNumHeads(12);
            default: throw new IllegalArgumentException("unknown ViT preset '" + name + "' (tiny, small, base)");
        }
    }

    public int embedDim() { return embedDim; }
    public int depth() { return depth; }
    public int numHeads() { return numHeads; }
    public int patchSize() { return patchSize; }
    public double mlpRatio() { return mlpRatio; }
    public int imgSize() { return imgSize; }
    public int numClasses() { return numClasses; }
    public float lnEps() { return lnEps; }
    @Override public float[] mean() { return mean.clone(); }
    @Override public float[] std() { return std.clone(); }
    @Override public String arch() { return ARCH; }
    @Override public int patch() { return patchSize; }
    public int gridSize() { return imgSize / patchSize; }

    @Override
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("arch", ARCH);
        m.put("img_size", Integer.toString(imgSize));
        m.put("patch_size", Integer.toString(patchSize));
        m.put("embed_dim", Integer.toString(embedDim));
        m.put("depth", Integer.toString(depth));
        m.put("num_heads", Integer.toString(numHeads));
        m.put("mlp_ratio", trim(mlpRatio));
        m.put("num_classes", Integer.toString(numClasses));
        m.put("ln_eps", Float.toString(lnEps));
        m.put("mean", Floats.join(mean));
        m.put("std", Floats.join(std));
        return m;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    public Builder toBuilder() {
        return builder().setEmbedDim(embedDim).setDepth(depth).setNumHeads(numHeads).optPatchSize(patchSize)
                .optMlpRatio(mlpRatio).optImgSize(imgSize).optNumClasses(numClasses).optLnEps(lnEps)
                .optNormalization(mean, std);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ViT(dim %d, depth %d, heads %d, patch %d, %d px, %d classes)",
                embedDim, depth, numHeads, patchSize, imgSize, numClasses);
    }

    /** Builder: embed dim, depth and heads are required. */
    public static final class Builder {
        private int embedDim = -1;
        private int depth = -1;
        private int numHeads = -1;
        private int patchSize = 16;
        private double mlpRatio = 4;
        private int imgSize = 224;
        private int numClasses = 0;
        private float lnEps = 1e-6f;
        private float[] mean = {0.485f, 0.456f, 0.406f};
        private float[] std = {0.229f, 0.224f, 0.225f};

        public Builder setEmbedDim(int v) { embedDim = v; return this; }
        public Builder setDepth(int v) { depth = v; return this; }
        public Builder setNumHeads(int v) { numHeads = v; return this; }
        public Builder optPatchSize(int v) { patchSize = v; return this; }
        public Builder optMlpRatio(double v) { mlpRatio = v; return this; }
        public Builder optImgSize(int v) { imgSize = v; return this; }
        public Builder optNumClasses(int v) { numClasses = v; return this; }
        public Builder optLnEps(float v) { lnEps = v; return this; }

        public Builder optNormalization(float[] mean, float[] std) {
            this.mean = mean.clone();
            this.std = std.clone();
            return this;
        }

        public ViTConfig build() {
            if (embedDim <= 0 || depth <= 0 || numHeads <= 0) {
                throw new IllegalArgumentException("ViTConfig needs setEmbedDim, setDepth and setNumHeads (> 0)");
            }
            if (embedDim % numHeads != 0) {
                throw new IllegalArgumentException("embed dim " + embedDim + " is not divisible by " + numHeads + " heads");
            }
            if (patchSize <= 0 || imgSize % patchSize != 0) {
                throw new IllegalArgumentException("img size " + imgSize + " is not a multiple of patch " + patchSize);
            }
            return new ViTConfig(this);
        }
    }
}
