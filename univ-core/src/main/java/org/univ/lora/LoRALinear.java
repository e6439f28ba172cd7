package org.univ.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.univ.model.Linear;
import org.univ.model.Module;
import org.univ.model.Parameter;

/** {@code y = W x + b + alpha/r · B(A(dropout(x)))}, A {@code [r, in]}, B {@code [out, r]}. */
public final class LoRALinear extends Linear implements LoRAModule {
    private final Parameter loraA;
    private final Parameter loraB;
    private final float scale;
    private final float dropout;
    private final DropoutMasks masks;
    private final int layer;

    LoRALinear(Linear base, LoRAConfig config, DropoutMasks masks, int layer) {
        super(base.getManager(), base.inFeatures(), base.outFeatures(), base.bias() != null);
        weight.copyFrom(base.weight().array());
        if (bias != null) {
            bias.copyFrom(base.bias().array());
        }
        loraA = addParameter("lora_A", new Shape(config.rank(), inFeatures));
        loraB = addParameter("lora_B", new Shape(outFeatures, config.rank()));
        scale = config.scale();
        dropout = config.dropout();
        this.masks = masks;
        this.layer = layer;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray h = LoRAModule.dropoutInput(x, dropout, isTraining(), masks, layer);
        NDArray low = LoRAModule.scaledLowRank(ai.djl.nn.core.Linear.linear(h, loraA.array()).singletonOrThrow(),
                scale, dropout, isTraining());                                                   // [.., r]
        NDArray update = ai.djl.nn.core.Linear.linear(low, loraB.array()).singletonOrThrow();   // [.., out]
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
        return loraB.array().matMul(loraA.array()); // [out, in]
    }

    @Override
    public Module merged() {
        Linear plain = new Linear(manager, inFeatures, outFeatures, bias != null);
        LoRAModule.foldInto(this, weight, bias, scale, plain.weight(), plain.bias());
        return plain;
    }
}
