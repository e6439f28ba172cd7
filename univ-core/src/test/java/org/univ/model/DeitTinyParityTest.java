package org.univ.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.univ.Shared;
import org.univ.TestModels;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;

/** Our ViT against PyTorch on the real DeiT-Tiny weights, feeding the stored input tensors. */
class DeitTinyParityTest {
    private static NDManager manager;
    private static Backbone deit;
    private static StateDict reference;

    @BeforeAll
    static void load() {
        Path weights = Shared.require("models/deit_tiny_patch16_224.safetensors");
        Path fixture = Shared.require("fixtures/deit_tiny_reference.safetensors");
        manager = NDManager.newBaseManager();
        deit = Backbones.load(weights, manager, true);
        reference = SafeTensors.load(fixture, manager);
    }

    @AfterAll
    static void close() {
        if (deit != null) {
            deit.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {224, 112})
    void matchesPyTorch(int size) {
        try (NDScope scope = new NDScope()) {
            ViTConfig cfg = (ViTConfig) deit.config();
            assertEquals(192, cfg.embedDim());
            assertEquals(1000, cfg.numClasses());
            int grid = size / 16;
            NDArray pos = ((VisionTransformer) deit).positionEmbedding(grid, grid, manager);
            float posDiff = TestModels.maxAbsDiff(pos, reference.require("pos_embed_" + size));

            for (String modality : new String[] {"rgb", "ir"}) {
                BackboneOutput out = deit.forward(reference.require("input_" + modality + "_" + size));
                assertEquals(grid, out.gridH());
                assertEquals(1, out.prefixTokens());
                float tokDiff = TestModels.maxAbsDiff(out.patchTokens(), reference.require("tokens_" + modality + "_" + size));
                System.out.printf("DeiT-Tiny %d px %s: tokens max-abs-diff %.3g%n", size, modality, tokDiff);
                assertTrue(tokDiff <= 1e-3, "tokens " + modality + " diff " + tokDiff);
                if (modality.equals("rgb")) {
                    float logitDiff = TestModels.maxAbsDiff(out.logits(), reference.require("logits_" + size));
                    float attnDiff = TestModels.maxAbsDiff(out.lastAttention(), reference.require("attn_last_" + size));
                    System.out.printf("DeiT-Tiny %d px: logits %.3g, attention %.3g, pos_embed %.3g%n",
                            size, logitDiff, attnDiff, posDiff);
                    assertEquals(reference.require("attn_last_" + size).getShape(), out.lastAttention().getShape());
                    assertTrue(logitDiff <= 1e-3, "logits diff " + logitDiff);
                    assertTrue(attnDiff <= 1e-4, "attention diff " + attnDiff);
                }
            }
            assertTrue(posDiff <= 1e-3, "pos_embed diff " + posDiff);
        }
    }
}
