package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** {@code y = x W^T + b} over the last axis; weight {@code [out, in]} as in PyTorch. */
public class Linear extends Module {
    protected final int inFeatures;
    protected final int outFeatures;
    protected final Parameter weight;
    protected final Parameter bias;

    public Linear(NDManager manager, int inFeatures, int outFeatures, boolean withBias) {
        super(manager);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = addParameter("weight", new Shape(outFeatures, inFeatures));
        this.bias = withBias ? addParameter("bias", new Shape(outFeatures)) : null;
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, weight.array(), bias == null ? null : bias.array()).singletonOrThrow();
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
