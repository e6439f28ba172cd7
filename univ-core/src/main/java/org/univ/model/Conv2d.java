package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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

    /**
     * This stride-1 convolution as a sum of k·k channel matmuls over shifted windows of the zero-padded input. The
     * segmentation head uses it: on its tiny coarse maps (a 3×3 conv on 1×1 or 2×2, 1×1 convs on ≤ 3×3) libtorch
     * 2.7.1's CPU conv gave NaN outputs and gradients at random on a machine without NNPACK, from finite inputs.
     */
    public NDArray forwardAsMatmuls(NDArray x) {
        if (stride != 1 || groups != 1) {
            throw new IllegalStateException("the matmul form needs stride 1 and groups 1, not " + stride + " / " + groups);
        }
        return convAsShiftedMatmuls(x, weight.array(), bias == null ? null : bias.array(), padding);
    }

    static NDArray convAsShiftedMatmuls(NDArray x, NDArray w, NDArray b, int padding) {
        Shape s = x.getShape();                                                   // [B, C, H, W]
        long k = w.getShape().get(2);
        long outH = s.get(2) + 2L * padding - k + 1;
        long outW = s.get(3) + 2L * padding - k + 1;
        NDArray padded = x;
        if (padding > 0) {
            NDManager m = x.getManager();
            NDArray rows = m.zeros(new Shape(s.get(0), s.get(1), padding, s.get(3)), x.getDataType());
            padded = NDArrays.concat(new NDList(rows, x, rows), 2);
            NDArray cols = m.zeros(new Shape(s.get(0), s.get(1), s.get(2) + 2L * padding, padding), x.getDataType());
            padded = NDArrays.concat(new NDList(cols, padded, cols), 3);
        }
        NDArray sum = null;                                                       // [B, outH, outW, O]
        for (long dy = 0; dy < k; dy++) {
            for (long dx = 0; dx < k; dx++) {
                NDArray window = padded.get(new NDIndex(":, :, {}:{}, {}:{}", dy, dy + outH, dx, dx + outW));
                NDArray tap = w.get(new NDIndex(":, :, {}, {}", dy, dx));       // [O, C]
                NDArray term = window.transpose(0, 2, 3, 1).matMul(tap.transpose());
                sum = sum == null ? term : sum.add(term);
            }
        }
        return (b == null ? sum : sum.add(b)).transpose(0, 3, 1, 2);
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
