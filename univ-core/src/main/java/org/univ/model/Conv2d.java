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
    protected boolean asMatmuls;

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

    /**
     * Computes this convolution from matmuls and multiply-adds instead of libtorch's CPU convolution, which gave NaN
     * outputs and gradients at random on tiny maps (a 3×3 conv on 1×1 or 2×2 maps, 1×1 convs on ≤ 3×3, ConvViT's
     * stages at 32 px) on a machine without NNPACK, from finite inputs. The segmentation head and ConvViT use it.
     * Handles kernel = stride without padding (patchify; 1×1 is the case k = 1; as fast as libtorch's or faster),
     * stride-1 dense and stride-1 depthwise convolutions (the latter on maps under twice the kernel only). Returns this.
     */
    public Conv2d computedAsMatmuls() {
        requireMatmulForm(weight.array().getShape(), stride, padding, groups);
        asMatmuls = true;
        return this;
    }

    public boolean isComputedAsMatmuls() {
        return asMatmuls;
    }

    public NDArray forward(NDArray x) {
        return conv(x, weight.array(), bias == null ? null : bias.array(), stride, padding, groups, asMatmuls);
    }

    protected static NDArray conv(NDArray x, NDArray w, NDArray b, int stride, int padding, int groups,
                                  boolean asMatmuls) {
        if (!asMatmuls) {
            return libtorchConv(x, w, b, stride, padding, groups);
        }
        long k = requireMatmulForm(w.getShape(), stride, padding, groups);
        if (groups == 1 && padding == 0 && k == stride) {
            return convAsPatchMatmul(x, w, b);
        } else if (groups == 1) {
            return convAsShiftedMatmuls(x, w, b, padding);
        }
        // depthwise: the products cost 20× libtorch's kernel on ConvViT's 56×56 maps, so only tiny maps use them
        boolean tiny = x.getShape().get(2) < 2 * k || x.getShape().get(3) < 2 * k;
        return tiny ? depthwiseAsShiftedProducts(x, w, b, padding) : libtorchConv(x, w, b, 1, padding, groups);
    }

    /** The kernel size, when {@code w} / stride / padding / groups have a matmul form (see above); throws otherwise. */
    private static long requireMatmulForm(Shape w, int stride, int padding, int groups) {
        long k = w.get(2);
        boolean patchify = groups == 1 && padding == 0 && k == stride;
        boolean depthwise = groups > 1 && w.get(1) == 1 && w.get(0) == groups;
        if (patchify || (stride == 1 && (groups == 1 || depthwise))) {
            return k;
        }
        throw new IllegalStateException("no matmul form for a " + k + "×" + k + " convolution with stride " + stride
                + ", padding " + padding + " and " + groups + " groups");
    }

    private static NDArray libtorchConv(NDArray x, NDArray w, NDArray b, int stride, int padding, int groups) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding),
                new Shape(1, 1), groups).singletonOrThrow();
    }

    /** Kernel = stride, no padding: one matmul of the non-overlapping k×k patches (the im2col is a reshape). */
    static NDArray convAsPatchMatmul(NDArray x, NDArray w, NDArray b) {
        Shape s = x.getShape();                                                   // [B, C, H, W]
        long k = w.getShape().get(2);
        long outH = s.get(2) / k;
        long outW = s.get(3) / k;
        NDArray patches = k == 1 ? x.transpose(0, 2, 3, 1)                       // [B, outH, outW, C·k·k]
                : x.get(new NDIndex(":, :, :{}, :{}", outH * k, outW * k))
                        .reshape(s.get(0), s.get(1), outH, k, outW, k)
                        .transpose(0, 2, 4, 1, 3, 5)
                        .reshape(s.get(0), outH, outW, s.get(1) * k * k);
        NDArray out = patches.matMul(w.reshape(w.getShape().get(0), -1).transpose()); // [B, outH, outW, O]
        return (b == null ? out : out.add(b)).transpose(0, 3, 1, 2);
    }

    /** Stride 1: a sum of k·k channel matmuls over shifted windows of the zero-padded input. */
    static NDArray convAsShiftedMatmuls(NDArray x, NDArray w, NDArray b, int padding) {
        long k = w.getShape().get(2);
        NDArray sum = sumOverTaps(zeroPadded(x, padding), k, (window, dy, dx) -> {
            NDArray tap = w.get(new NDIndex(":, :, {}, {}", dy, dx));           // [O, C]
            return window.transpose(0, 2, 3, 1).matMul(tap.transpose());         // [B, outH, outW, O]
        });
        return (b == null ? sum : sum.add(b)).transpose(0, 3, 1, 2);
    }

    /** Stride-1 depthwise: a sum of k·k per-channel products over shifted windows of the zero-padded input. */
    static NDArray depthwiseAsShiftedProducts(NDArray x, NDArray w, NDArray b, int padding) {
        long channels = w.getShape().get(0);
        long k = w.getShape().get(2);
        NDArray sum = sumOverTaps(zeroPadded(x, padding), k, (window, dy, dx) ->   // [B, C, outH, outW]
                window.mul(w.get(new NDIndex(":, 0, {}, {}", dy, dx)).reshape(1, channels, 1, 1)));
        return b == null ? sum : sum.add(b.reshape(1, channels, 1, 1));
    }

    private interface Tap {
        NDArray apply(NDArray window, long dy, long dx);
    }

    private static NDArray sumOverTaps(NDArray padded, long k, Tap tap) {
        long outH = padded.getShape().get(2) - k + 1;
        long outW = padded.getShape().get(3) - k + 1;
        NDArray sum = null;
        for (long dy = 0; dy < k; dy++) {
            for (long dx = 0; dx < k; dx++) {
                NDArray window = padded.get(new NDIndex(":, :, {}:{}, {}:{}", dy, dy + outH, dx, dx + outW));
                NDArray term = tap.apply(window, dy, dx);
                sum = sum == null ? term : sum.add(term);
            }
        }
        return sum;
    }

    private static NDArray zeroPadded(NDArray x, int padding) {
        if (padding == 0) {
            return x;
        }
        Shape s = x.getShape();                                                   // [B, C, H, W]
        NDManager m = x.getManager();
        NDArray rows = m.zeros(new Shape(s.get(0), s.get(1), padding, s.get(3)), x.getDataType());
        NDArray padded = NDArrays.concat(new NDList(rows, x, rows), 2);
        NDArray cols = m.zeros(new Shape(s.get(0), s.get(1), s.get(2) + 2L * padding, padding), x.getDataType());
        return NDArrays.concat(new NDList(cols, padded, cols), 3);
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
