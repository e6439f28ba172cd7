package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * ConvMAE's {@code CBlock}, the block of conv stages 1 and 2: the ViT block's shape with the
 * attention replaced by a local depthwise 5×5 convolution between two 1×1 convs:
 * {@code x += conv2(attn(conv1(norm1(x)))); x += mlp(norm2(x))}, norms over channels.
 */
public class ConvBlock extends Module {
    private static final int KERNEL = 5;

    public ConvBlock(NDManager manager, int dim, double mlpRatio, float eps) {
        super(manager);
        addChild("norm1", new LayerNorm(manager, dim, eps));
        addChild("conv1", new Conv2d(manager, dim, dim, 1, 1, 0, 1, true).computedAsMatmuls());
        addChild("attn", new Conv2d(manager, dim, dim, KERNEL, 1, KERNEL / 2, dim, true).computedAsMatmuls()); // depthwise
        addChild("conv2", new Conv2d(manager, dim, dim, 1, 1, 0, 1, true).computedAsMatmuls());
        addChild("norm2", new LayerNorm(manager, dim, eps));
        addChild("mlp", new ConvMlp(manager, dim, (int) Math.round(dim * mlpRatio)));
    }

    /** x {@code [B, D, H, W]} → {@code [B, D, H, W]}. */
    public NDArray forward(NDArray x) {
        NDArray h = child("norm1", LayerNorm.class).forwardChannels(x);
        h = child("conv1", Conv2d.class).forward(h);
        h = child("attn", Conv2d.class).forward(h);
        NDArray y = x.add(child("conv2", Conv2d.class).forward(h));
        return y.add(child("mlp", ConvMlp.class).forward(child("norm2", LayerNorm.class).forwardChannels(y)));
    }
}
