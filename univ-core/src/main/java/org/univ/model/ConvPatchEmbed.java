package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * ConvMAE's stage patch embedding: {@code proj} Conv2d with kernel = stride = patch (bias), then
 * {@code norm} — a LayerNorm over the channels at every pixel — then exact GELU. Stays a map.
 */
public class ConvPatchEmbed extends Module {
    public ConvPatchEmbed(NDManager manager, int inChannels, int dim, int patch, float eps) {
        super(manager);
        addChild("proj", new Conv2d(manager, inChannels, dim, patch, patch, 0, 1, true).computedAsMatmuls());
        addChild("norm", new LayerNorm(manager, dim, eps));
    }

    /** x {@code [B, Cin, H, W]} → {@code [B, D, H/p, W/p]}. */
    public NDArray forward(NDArray x) {
        NDArray maps = child("proj", Conv2d.class).forward(x);
        return Activation.gelu(child("norm", LayerNorm.class).forwardChannels(maps));
    }
}
