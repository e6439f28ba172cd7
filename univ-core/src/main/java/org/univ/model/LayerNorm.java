package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** LayerNorm over the last axis with affine weight/bias. */
public class LayerNorm extends Module {
    private final int dim;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    public LayerNorm(NDManager manager, int dim, float eps) {
        super(manager);
        this.dim = dim;
        this.eps = eps;
        this.weight = addParameter("weight", new Shape(dim));
        this.bias = addParameter("bias", new Shape(dim));
        weight.array().addi(1f);
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(dim), weight.array(), bias.array(), eps)
                .singletonOrThrow();
    }

    /** ConvMAE's channel LayerNorm: normalise {@code [B, C, H, W]} over C at every pixel. */
    public NDArray forwardChannels(NDArray x) {
        return forward(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2);
    }
}
