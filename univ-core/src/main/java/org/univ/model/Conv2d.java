package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** 2-D convolution on {@code [B, C, H, W]}; weight {@code [out, in/groups, k, k]} as in PyTorch. */
public class Conv2d extends Module {
    protected final int inChannels;
    protected final int outChannels;
    protected final int kernel;
    protected final int stride;
    protected final int padding;
    protected final int groups;
    protected final Parameter weight;
    protected final Parameter bias;

    public Conv2d(NDManager manager, int inChannels, int outChannels, int kernel, int stride, int padding,
                  int groups, boolean withBias) {
        super(manager);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.weight = addParameter("weight", new Shape(outChannels, inChannels / groups, kernel, kernel));
        this.bias = withBias ? addParameter("bias", new Shape(outChannels)) : null;
    }

    public NDArray forward(NDArray x) {
        return conv(x, weight.array(), bias == null ? null : bias.array(), stride, padding, groups);
    }

    static NDArray conv(NDArray x, NDArray w, NDArray b, int stride, int padding, int groups) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding),
                new Shape(1, 1), groups).singletonOrThrow();
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public int groups() {
        return groups;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
