package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.univ.io.CheckpointException;
import org.univ.io.StateDict;

/**
 * Everything that defines a ConvMAE ConvViT (METHOD §1b): three stages of widths {@code embedDims},
 * each a conv patch embedding ({@code patchSizes}, kernel = stride) followed by {@code depths} blocks —
 * conv blocks in stages 1 and 2, ViT blocks with {@code numHeads} heads in stage 3 — plus the MLP ratio,
 * the native input size (the grid {@code pos_embed} is stored for), the LayerNorm eps of the conv stages
 * and of stage 3, and the input normalisation.
 * Built with {@link #builder()} ({@code setX} required, {@code optX} optional) or a {@link #preset}.
 */
public final class ConvViTConfig implements ModelConfig {
    public static final String ARCH = "convvit";
    private static final int STAGES = 3;

    private final int[] embedDims;
    private final int[] depths;
    private final int numHeads;
    private final double mlpRatio;
    private final int[] patchSizes;
    private final int imgSize;
    private final float stageLnEps;
    private final float block3LnEps;
    private final float[] mean;
    private final float[] std;

    private ConvViTConfig(Builder b) {
        this.embedDims = b.embedDims.clone();
        this.depths = b.depths.clone();
        this.numHeads = b.numHeads;
        this.mlpRatio = b.mlpRatio;
        this.patchSizes = b.patchSizes.clone();
        this.imgSize = b.imgSize;
        this.stageLnEps = b.stageLnEps;
        this.block3LnEps = b.block3LnEps;
        this.mean = b.mean.clone();
        this.std = b.std.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code convvit-base}: ConvMAE {@code convmae_convvit_base_patch16} — 256/384/768, depths 2/2/11, 12 heads. */
    public static Builder preset(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "convvit-base":
            case "convmae_convvit_base_patch16":
                return builder().setEmbedDims(256, 384, 768).setDepths(2, 2, 11).setNumHeads(12);
            default:
                throw new IllegalArgumentException("unknown ConvViT preset '" + name + "' (convvit-base)");
        }
    }

    public int[] embedDims() { return embedDims.clone(); }
    public int[] depths() { return depths.clone(); }
    public int numHeads() { return numHeads; }
    public double mlpRatio() { return mlpRatio; }
    public int[] patchSizes() { return patchSizes.clone(); }
    public int imgSize() { return imgSize; }
    public float stageLnEps() { return stageLnEps; }
    public float block3LnEps() { return block3LnEps; }
    /** Width of the output tokens (stage 3). */
    public int embedDim() { return embedDims[STAGES - 1]; }
    @Override public float[] mean() { return mean.clone(); }
    @Override public float[] std() { return std.clone(); }
    @Override public String arch() { return ARCH; }

    /** The overall stride from pixels to tokens: the product of the stage patch sizes (16 for 4·2·2). */
    @Override
    public int patch() {
        return patchSizes[0] * patchSizes[1] * patchSizes[2];
    }

    /** Side of the square token grid the stored {@code pos_embed} is for. */
    public int gridSize() {
        return imgSize / patch();
    }

    @Override
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("arch", ARCH);
        m.put("embed_dims", join(embedDims));
        m.put("depths", join(depths));
        m.put("num_heads", Integer.toString(numHeads));
        m.put("mlp_ratio", trim(mlpRatio));
        m.put("patch_sizes", join(patchSizes));
        m.put("img_size", Integer.toString(imgSize));
        m.put("stage_ln_eps", Float.toString(stageLnEps));
        m.put("block3_ln_eps", Float.toString(block3LnEps));
        m.put("mean", Floats.join(mean));
        m.put("std", Floats.join(std));
        return m;
    }

    /** True when checkpoint metadata names a ConvViT ({@code convvit…} or ConvMAE's {@code convmae_convvit…}). */
    public static boolean isArch(String arch) {
        String a = arch.toLowerCase(Locale.ROOT);
        return a.startsWith("convvit") || a.startsWith("convmae");
    }

    /**
     * Parses what {@link #toMetadata()} writes (and the fixture/ConvMAE export keys). {@code embed_dims},
     * {@code depths} and {@code num_heads} are required; every other key falls back to the ConvMAE default.
     * {@code mlp_ratio} may be one number or ConvMAE's per-stage list if all its entries agree.
     */
    public static ConvViTConfig fromMetadata(Map<String, String> meta, String source) {
        try {
            Builder b = builder()
                    .setEmbedDims(ints(required(meta, "embed_dims", source)))
                    .setDepths(ints(required(meta, "depths", source)))
                    .setNumHeads(Integer.parseInt(required(meta, "num_heads", source).trim()));
            applyOptional(b, meta);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": bad ConvViT metadata (" + e.getMessage() + "); metadata "
                    + meta, e);
        }
    }

    /**
     * Reads the architecture off the tensor shapes of a ConvMAE state dict without metadata: widths and
     * patch sizes from {@code patch_embed{1,2,3}.proj.weight}, depths by counting blocks, MLP ratio from
     * {@code blocks3.0.mlp.fc1}, img size from {@code pos_embed} (a square grid). Shapes cannot tell the
     * head count: {@code num_heads} metadata is used when present, else width/64 (12 for base, as ConvMAE).
     * Eps and normalisation come from metadata when present, else the ConvMAE defaults.
     */
    public static ConvViTConfig fromShapes(StateDict sd, String source) {
        int[] dims = new int[STAGES];
        int[] patches = new int[STAGES];
        int[] depths = new int[STAGES];
        for (int s = 0; s < STAGES; s++) {
            Shape proj = require(sd, "patch_embed" + (s + 1) + ".proj.weight", source).getShape(); // [C, Cin, p, p]
            dims[s] = (int) proj.get(0);
            patches[s] = (int) proj.get(2);
            while (sd.contains("blocks" + (s + 1) + "." + depths[s] + ".norm1.weight")) {
                depths[s]++;
            }
        }
        Map<String, String> meta = sd.metadata();
        long posTokens = require(sd, "pos_embed", source).getShape().get(1);
        int grid = (int) Math.round(Math.sqrt(posTokens));
        if ((long) grid * grid != posTokens) {
            throw new CheckpointException(source + ": pos_embed holds " + posTokens + " tokens, not a square grid;"
                    + " a ConvViT stores the table of its square native input (img_size/16 per side)");
        }
        try {
            int heads = meta.containsKey("num_heads") ? Integer.parseInt(meta.get("num_heads").trim())
                    : Math.max(1, dims[2] / 64);
            Builder b = builder().setEmbedDims(dims).setDepths(depths).setNumHeads(heads).optPatchSizes(patches)
                    .optImgSize(grid * patches[0] * patches[1] * patches[2]);
            String fc1 = "blocks3.0.mlp.fc1.weight";
            if (sd.contains(fc1)) {
                b.optMlpRatio(sd.get(fc1).getShape().get(0) / (double) dims[2]);
            }
            applyOptional(b, onlyNonStructural(meta));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": tensor shapes do not describe a ConvViT: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> onlyNonStructural(Map<String, String> meta) {
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.keySet().removeAll(List.of("img_size", "patch_sizes", "mlp_ratio")); // the shapes tell these
        return m;
    }

    private static void applyOptional(Builder b, Map<String, String> meta) {
        if (meta.containsKey("mlp_ratio")) {
            double[] r = Arrays.stream(meta.get("mlp_ratio").split(",")).mapToDouble(s -> Double.parseDouble(s.trim()))
                    .toArray();
            if (Arrays.stream(r).distinct().count() != 1) {
                throw new IllegalArgumentException("per-stage mlp_ratio " + meta.get("mlp_ratio")
                        + " is not supported (one ratio for all stages)");
            }
            b.optMlpRatio(r[0]);
        }
        if (meta.containsKey("patch_sizes")) {
            b.optPatchSizes(ints(meta.get("patch_sizes")));
        }
        if (meta.containsKey("img_size")) {
            b.optImgSize(Integer.parseInt(meta.get("img_size").trim()));
        }
        if (meta.containsKey("stage_ln_eps")) {
            b.optStageLnEps(Float.parseFloat(meta.get("stage_ln_eps").trim()));
        }
        if (meta.containsKey("block3_ln_eps")) {
            b.optBlock3LnEps(Float.parseFloat(meta.get("block3_ln_eps").trim()));
        }
        if (meta.containsKey("mean") && meta.containsKey("std")) {
            b.optNormalization(Floats.parse(meta.get("mean")), Floats.parse(meta.get("std")));
        }
    }

    private static String required(Map<String, String> meta, String key, String source) {
        String v = meta.get(key);
        if (v == null) {
            throw new CheckpointException(source + ": ConvViT metadata lacks '" + key + "' (have " + meta.keySet()
                    + "); remove the metadata to infer the sizes from the tensor shapes instead");
        }
        return v;
    }

    private static NDArray require(StateDict sd, String name, String source) {
        if (!sd.contains(name)) {
            throw new CheckpointException(source + ": ConvViT tensor '" + name + "' is missing; is this a ConvMAE"
                    + " encoder state dict (patch_embed1..3, blocks1..3, pos_embed, norm)?");
        }
        return sd.get(name);
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    private static String join(int[] v) {
        StringJoiner j = new StringJoiner(",");
        for (int x : v) {
            j.add(Integer.toString(x));
        }
        return j.toString();
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    public Builder toBuilder() {
        return builder().setEmbedDims(embedDims).setDepths(depths).setNumHeads(numHeads).optMlpRatio(mlpRatio)
                .optPatchSizes(patchSizes).optImgSize(imgSize).optStageLnEps(stageLnEps).optBlock3LnEps(block3LnEps)
                .optNormalization(mean, std);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvViTConfig c && toMetadata().equals(c.toMetadata());
    }

    @Override
    public int hashCode() {
        return toMetadata().hashCode();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ConvViT(dims %s, depths %s, heads %d, patches %s, %d px)",
                join(embedDims), join(depths), numHeads, join(patchSizes), imgSize);
    }

    /** Builder: embed dims, depths (three each) and heads are required. */
    public static final class Builder {
        private int[] embedDims;
        private int[] depths;
        private int numHeads = -1;
        private double mlpRatio = 4;
        private int[] patchSizes = {4, 2, 2};
        private int imgSize = 224;
        private float stageLnEps = 1e-5f;
        private float block3LnEps = 1e-6f;
        private float[] mean = {0.485f, 0.456f, 0.406f};
        private float[] std = {0.229f, 0.224f, 0.225f};

        public Builder setEmbedDims(int... v) { embedDims = v.clone(); return this; }
        public Builder setDepths(int... v) { depths = v.clone(); return this; }
        public Builder setNumHeads(int v) { numHeads = v; return this; }
        public Builder optMlpRatio(double v) { mlpRatio = v; return this; }
        public Builder optPatchSizes(int... v) { patchSizes = v.clone(); return this; }
        public Builder optImgSize(int v) { imgSize = v; return this; }
        public Builder optStageLnEps(float v) { stageLnEps = v; return this; }
        public Builder optBlock3LnEps(float v) { block3LnEps = v; return this; }

        public Builder optNormalization(float[] mean, float[] std) {
            this.mean = mean.clone();
            this.std = std.clone();
            return this;
        }

        public ConvViTConfig build() {
            if (embedDims == null || depths == null || numHeads <= 0) {
                throw new IllegalArgumentException("ConvViTConfig needs setEmbedDims, setDepths and setNumHeads (> 0)");
            }
            if (embedDims.length != STAGES || depths.length != STAGES || patchSizes.length != STAGES) {
                throw new IllegalArgumentException("a ConvViT has 3 stages: embed dims " + Arrays.toString(embedDims)
                        + ", depths " + Arrays.toString(depths) + ", patch sizes " + Arrays.toString(patchSizes));
            }
            for (int s = 0; s < STAGES; s++) {
                if (embedDims[s] <= 0 || patchSizes[s] <= 0 || depths[s] < 0) {
                    throw new IllegalArgumentException("stage " + (s + 1) + ": width " + embedDims[s] + ", patch "
                            + patchSizes[s] + ", depth " + depths[s] + " (widths and patches > 0, depths >= 0)");
                }
            }
            if (depths[2] == 0) {
                throw new IllegalArgumentException("stage 3 needs at least one transformer block (its attention is an output)");
            }
            if (embedDims[2] % numHeads != 0) {
                throw new IllegalArgumentException("stage-3 width " + embedDims[2] + " is not divisible by " + numHeads
                        + " heads");
            }
            if (mlpRatio <= 0) {
                throw new IllegalArgumentException("mlp ratio must be > 0, got " + mlpRatio);
            }
            int patch = patchSizes[0] * patchSizes[1] * patchSizes[2];
            if (imgSize <= 0 || imgSize % patch != 0) {
                throw new IllegalArgumentException("img size " + imgSize + " is not a multiple of the overall patch "
                        + patch);
            }
            if (mean.length != 3 || std.length != 3) {
                throw new IllegalArgumentException("mean and std need 3 values (RGB)");
            }
            return new ConvViTConfig(this);
        }
    }
}
