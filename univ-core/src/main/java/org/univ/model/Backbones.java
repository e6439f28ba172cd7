package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.univ.io.CheckpointException;
import org.univ.io.Checkpoints;
import org.univ.io.StateDict;

/**
 * Builds the right backbone for a checkpoint: the architecture comes from the {@code arch} metadata
 * when present, otherwise from the tensor names; the sizes from the metadata or the tensor shapes.
 */
public final class Backbones {
    private Backbones() {}

    /** A new backbone with zero weights for a config. */
    public static Backbone create(ModelConfig config, NDManager manager) {
        if (config instanceof ViTConfig vit) {
            return new VisionTransformer(vit, manager);
        }
        if (config instanceof ConvViTConfig convVit) {
            return new ConvViT(convVit, manager);
        }
        throw new IllegalArgumentException("no backbone for config " + config);
    }

    /** Reads a checkpoint file (safetensors or PyTorch .pth) and builds + loads the model it holds. */
    public static Backbone load(Path file, NDManager manager, boolean strict) {
        return load(file, manager, strict, null);
    }

    /** As {@link #load(Path, NDManager, boolean)}; {@code key} picks the state dict inside a .pth. */
    public static Backbone load(Path file, NDManager manager, boolean strict, String key) {
        try (NDManager tmp = manager.newSubManager()) {
            StateDict sd = Checkpoints.read(file, tmp, key);
            return fromStateDict(sd, manager, strict, file.toString());
        }
    }

    public static Backbone fromStateDict(StateDict sd, NDManager manager, boolean strict, String source) {
        ModelConfig config = configOf(sd, source);
        Backbone model = create(config, manager);
        try {
            Weights.load(model.module(), sd, strict, source);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * The architecture a state dict describes: metadata {@code arch} {@code vit…}/{@code deit…} or
     * {@code convvit…}/{@code convmae…}; without it, ConvMAE's {@code patch_embed1.proj.weight} or timm's
     * {@code patch_embed.proj.weight}. A ConvViT's sizes come from its metadata when it has
     * {@code embed_dims}, otherwise from the tensor shapes.
     */
    public static ModelConfig configOf(StateDict sd, String source) {
        String arch = sd.metadata().get("arch");
        boolean convVit = arch != null ? ConvViTConfig.isArch(arch) : sd.contains("patch_embed1.proj.weight");
        if (arch != null && !convVit && !arch.startsWith("vit") && !arch.startsWith("deit")) {
            throw new CheckpointException(source + ": unknown architecture '" + arch + "' in metadata (vit, deit,"
                    + " convvit)");
        }
        if (convVit) {
            return sd.metadata().containsKey("embed_dims") ? ConvViTConfig.fromMetadata(sd.metadata(), source)
                    : ConvViTConfig.fromShapes(sd, source);
        }
        if (sd.contains("patch_embed.proj.weight") && sd.contains("pos_embed")) {
            return vitConfigOf(sd);
        }
        throw new CheckpointException(source + ": neither a timm ViT (patch_embed.proj.weight, pos_embed) nor a"
                + " ConvMAE ConvViT (patch_embed1.proj.weight); tensors: " + sd.names().stream().limit(8).toList() + "…");
    }

    static ViTConfig vitConfigOf(StateDict sd) {
        Map<String, String> meta = sd.metadata();
        NDArray proj = sd.require("patch_embed.proj.weight"); // [D, 3, p, p]
        int dim = (int) proj.getShape().get(0);
        int patch = (int) proj.getShape().get(2);
        int depth = 0;
        while (sd.contains("blocks." + depth + ".norm1.weight")) {
            depth++;
        }
        long posTokens = sd.require("pos_embed").getShape().get(1);
        boolean cls = sd.contains("cls_token");
        int grid = (int) Math.round(Math.sqrt(posTokens - (cls ? 1 : 0)));
        int hidden = sd.contains("blocks.0.mlp.fc1.weight")
                ? (int) sd.get("blocks.0.mlp.fc1.weight").getShape().get(0) : 4 * dim;
        ViTConfig.Builder b = ViTConfig.builder()
                .setEmbedDim(dim)
                .setDepth(depth)
                .setNumHeads(meta.containsKey("num_heads") ? Integer.parseInt(meta.get("num_heads")) : Math.max(1, dim / 64))
                .optPatchSize(patch)
                .optImgSize(grid * patch)
                .optMlpRatio(hidden / (double) dim)
                .optNumClasses(sd.contains("head.weight") ? (int) sd.get("head.weight").getShape().get(0) : 0);
        if (meta.containsKey("ln_eps")) {
            b.optLnEps(Float.parseFloat(meta.get("ln_eps")));
        }
        if (meta.containsKey("mean") && meta.containsKey("std")) {
            b.optNormalization(Floats.parse(meta.get("mean")), Floats.parse(meta.get("std")));
        }
        return b.build();
    }
}
