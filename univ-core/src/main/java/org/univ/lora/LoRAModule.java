package org.univ.lora;

import ai.djl.ndarray.NDArray;
import org.univ.util.Tensors;
import org.univ.model.Module;
import org.univ.model.Parameter;

/** A layer carrying LoRA factors {@code lora_A}, {@code lora_B} next to its frozen base weight. */
public interface LoRAModule {
    Parameter loraA();

    Parameter loraB();

    /** The plain layer with {@code W + alpha/r · ΔW} folded in (new arrays in the same manager). */
    Module merged();

    /** ΔW in the base weight's shape, before scaling. */
    NDArray delta();

    /**
     * The adapter input after dropout, not yet divided by the keep probability (see {@link #updateScale}):
     * masks from {@code masks} when it is seeded, else from libtorch's generator.
     */
    static NDArray dropoutInput(NDArray x, float rate, boolean training, DropoutMasks masks, int layer) {
        if (!training || rate <= 0) {
            return x;
        }
        return masks.apply(x, rate, layer);
    }

    /**
     * Writes {@code W + scale · ΔW} and the bias of the adapted layer into a plain layer's parameters
     * (the merge step shared by Linear and Conv adapters).
     */
    static void foldInto(LoRAModule adapted, Parameter baseWeight, Parameter baseBias, float scale,
                         Parameter plainWeight, Parameter plainBias) {
        try (NDArray d = adapted.delta(); NDArray w = baseWeight.array().add(d.muli(scale))) {
            plainWeight.copyFrom(w);
        }
        if (baseBias != null) {
            plainBias.copyFrom(baseBias.array());
        }
    }

    /**
     * The rank-r activation times {@link #updateScale}: scaling here rather than the {@code [.., out]} update is
     * the same product for r/out of the elementwise work.
     */
    static NDArray scaledLowRank(NDArray low, float scale, float rate, boolean training) {
        return Tensors.mul(low, updateScale(scale, rate, training));
    }

    /** {@code alpha/r}, divided by the keep probability when dropout was applied. */
    static float updateScale(float scale, float rate, boolean training) {
        return training && rate > 0 ? scale / (1f - rate) : scale;
    }
}
