package org.univ.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.univ.model.Conv2d;
import org.univ.model.Module;
import org.univ.model.Parameter;

/**
 * LoRA on a convolution (METHOD §1b): {@code y = conv_W(x) + alpha/r · conv1x1_B(conv_A(dropout(x)))},
 * {@code conv_A} with the base kernel/stride/padding and r output channels, {@code conv_B} 1×1 (r → out).
 * Merge: {@code ΔW[o,i,:,:] = Σ_r B[o,r] A[r,i,:,:]}.
 */
public final class LoRAConv2d extends Conv2d implements LoRAModule {
    private final Parameter loraA;
    private final Parameter loraB;
    private final float scale;
    private final float dropout;
    private final DropoutMasks masks;
    private final int layer;

    LoRAConv2d(Conv2d base, LoRAConfig config, DropoutMasks masks, int layer) {
        super(base.getManager(), base.inChannels(), base.outChannels(), base.kernel(), base.stride(), base.padding(),
                base.groups(), base.bias() != null);
        if (base.groups() != 1) {
            throw new IllegalArgumentException("LoRA on grouped convolutions is not defined (groups " + base.groups() + ")");
        }
        asMatmuls = base.isComputedAsMatmuls();
        weight.copyFrom(base.weight().array());
        if (bias != null) {
            bias.copyFrom(base.bias().array());
        }
        loraA = addParameter("lora_A", new Shape(config.rank(), inChannels, kernel, kernel));
        loraB = addParameter("lora_B", new Shape(outChannels, config.rank(), 1, 1));
        scale = config.scale();
        dropout = config.dropout();
        this.masks = masks;
        this.layer = layer;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray h = LoRAModule.dropoutInput(x, dropout, isTraining(), masks, layer);
        NDArray low = LoRAModule.scaledLowRank(conv(h, loraA.array(), null, stride, padding, 1, asMatmuls),
                scale, dropout, isTraining());                                        // [B, r, h, w]
        NDArray update = conv(low, loraB.array(), null, 1, 0, 1, asMatmuls);         // [B, out, h, w]
        return super.forward(x).add(update);
    }

    @Override
    public Parameter loraA() {
        return loraA;
    }

    @Override
    public Parameter loraB() {
        return loraB;
    }

    @Override
    public NDArray delta() {
        long r = loraA.array().getShape().get(0);
        NDArray b2 = loraB.array().reshape(outChannels, r);
        NDArray a2 = loraA.array().reshape(r, (long) inChannels * kernel * kernel);
        NDArray d = b2.matMul(a2).reshape(outChannels, inChannels, kernel, kernel);
        b2.close();
        a2.close();
        return d;
    }

    @Override
    public Module merged() {
        Conv2d plain = new Conv2d(manager, inChannels, outChannels, kernel, stride, padding, groups, bias != null);
        if (asMatmuls) {
            plain.computedAsMatmuls();
        }
        LoRAModule.foldInto(this, weight, bias, scale, plain.weight(), plain.bias());
        return plain;
    }
}
