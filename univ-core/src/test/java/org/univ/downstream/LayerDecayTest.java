package org.univ.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.univ.TestModels;
import org.univ.model.VisionTransformer;

/** BEiT's layer-wise decay on a 2-block ViT: embeddings d³, block 0 d², block 1 d, final norm 1 (times the base). */
class LayerDecayTest {
    @Test
    void scalesFollowTheBlockDepth() {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m)) {
            vit.setTrainable(true);
            vit.children().get("head").setTrainable(false);
            Map<String, Double> s = LayerDecay.scales(vit, "backbone.", 0.1, 0.5);
            assertEquals(0.1 * 0.125, s.get("backbone.patch_embed.proj.weight"), 1e-15);
            assertEquals(0.1 * 0.125, s.get("backbone.pos_embed"), 1e-15);
            assertEquals(0.1 * 0.125, s.get("backbone.cls_token"), 1e-15);
            assertEquals(0.1 * 0.25, s.get("backbone.blocks.0.attn.qkv.weight"), 1e-15);
            assertEquals(0.1 * 0.5, s.get("backbone.blocks.1.mlp.fc2.bias"), 1e-15);
            assertEquals(0.1, s.get("backbone.norm.weight"), 1e-15);
            assertFalse(s.containsKey("backbone.head.weight"));      // frozen parameters get no entry
        }
    }
}
