package org.univ.spark.bench;

import org.univ.lora.LoRAConfig;
import org.univ.model.ViTConfig;

/**
 * Trainable LoRA values of a plain ViT without building it: every Linear of a block whose name matches a target
 * (qkv D→3D, proj D→D, fc1 D→hidden, fc2 hidden→D) gets r·(in + out) values. The size of the gradient buffer
 * data-parallel training all-reduces every step.
 */
public final class LoraSize {
    private LoraSize() {}

    public static long of(ViTConfig vit, LoRAConfig lora) {
        long d = vit.embedDim();
        long hidden = Math.round(d * vit.mlpRatio());
        long perBlock = 0;
        perBlock += lora.matches("blocks.0.attn.qkv") ? d + 3 * d : 0;
        perBlock += lora.matches("blocks.0.attn.proj") ? d + d : 0;
        perBlock += lora.matches("blocks.0.mlp.fc1") ? d + hidden : 0;
        perBlock += lora.matches("blocks.0.mlp.fc2") ? hidden + d : 0;
        long head = vit.numClasses() > 0 && lora.matches("head") ? d + vit.numClasses() : 0;
        return lora.rank() * (vit.depth() * perBlock + head);
    }
}
