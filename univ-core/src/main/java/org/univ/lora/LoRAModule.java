package org.univ.lora;

import ai.djl.ndarray.NDArray;
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

    static NDArray dropoutInput(NDArray x, float rate, boolean training) {
        if (!training || rate <= 0) {
            return x;
        }
        return ai.djl.nn.norm.Dropout.dropout(x, rate, true).singletonOrThrow();
    }
}
