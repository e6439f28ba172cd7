package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Transposed 2-D convolution with kernel = stride (PyTorch {@code ConvTranspose2d(in, out, k, stride=k)}), weight
 * {@code [in, out, k, k]}: ViTDet's ×2 up-sampling. Every input pixel paints its own k×k block, so it is one matmul
 * and a depth-to-space reshape (DJL's PyTorch engine does not implement deconvolution).
 */
public class ConvTranspose2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final Parameter weight;
    private final Parameter bias;

    public ConvTranspose2d(NDManager manager, int inChannels, int outChannels, int kernel) {
        super(manager);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.weight = addParameter("weight", new Shape(inChannels, outChannels, kernel, kernel));
        this.bias = addParameter("bias", new Shape(outChannels));
    }

    /** {@code [B, in, h, w]} → {@code [B, out, h·k, w·k]}. */
    public NDArray forward(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray pixels = x.transpose(0, 2, 3, 1).reshape(b * h * w, inChannels);          // [BHW, in]
        NDArray blocks = pixels.matMul(weight.array().reshape(inChannels, -1));            // [BHW, out·k·k]
        NDArray image = blocks.reshape(b, h, w, outChannels, kernel, kernel)
                .transpose(0, 3, 1, 4, 2, 5)                                               // [B, out, h, k, w, k]
                .reshape(b, outChannels, h * kernel, w * kernel);
        return image.add(bias.array().reshape(1, outChannels, 1, 1));
    }

    public Parameter weight() {
        return weight;
    }
}
