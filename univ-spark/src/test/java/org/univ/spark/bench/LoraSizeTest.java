package org.univ.spark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.univ.TestModels;
import org.univ.lora.LoRA;
import org.univ.lora.LoRAConfig;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.ViTConfig;

class LoraSizeTest {
    static long injected(ViTConfig vit, LoRAConfig lora) {
        try (NDManager m = NDManager.newBaseManager(); Backbone b = Backbones.create(vit, m)) {
            return LoRA.inject(b.module(), lora, 0).trainable();
        }
    }

    @Test
    void countsWhatInjectionAdds() {
        LoRAConfig all = LoRAConfig.builder().optRank(8).build();
        LoRAConfig some = LoRAConfig.builder().optRank(4).optTargets(List.of("qkv", "fc2")).build();
        for (ViTConfig vit : List.of(TestModels.tinyVit(), ViTConfig.preset("tiny").build())) {
            assertEquals(injected(vit, all), LoraSize.of(vit, all), vit.toString());
            assertEquals(injected(vit, some), LoraSize.of(vit, some), vit.toString());
        }
        assertEquals(294_912, LoraSize.of(ViTConfig.preset("tiny").build(), all)); // DeiT-Tiny, as the README says
        assertEquals(1_179_648, LoraSize.of(ViTConfig.preset("base").build(), all)); // ViT-B: 12 · 8 · (4·768 + 2·768 + 2·3840)
    }
}
