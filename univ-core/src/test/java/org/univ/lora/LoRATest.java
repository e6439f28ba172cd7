package org.univ.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.Parameter;
import org.univ.model.ViTConfig;
import org.univ.model.VisionTransformer;
import org.univ.model.Weights;

class LoRATest {

    private static NDArray tokens(Backbone b, NDArray x) {
        NDArray t = b.forward(x).patchTokens();
        NDScope.unregister(t);
        return t;
    }

    @Test
    void zeroBLeavesTheModelExactlyUnchanged() {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m);
             NDScope scope = new NDScope()) {
            vit.initialize(11);
            NDArray x = TestModels.randn(m, 1, 2, 3, 32, 32);
            float[] before = tokens(vit, x).toFloatArray();
            LoRA.Report report = LoRA.inject(vit, LoRAConfig.builder().build(), 5);
            assertEquals(8, report.adapted().size()); // 2 blocks x qkv/proj/fc1/fc2
            assertFalse(report.adapted().contains("patch_embed.proj"), "convolutions only when asked");
            assertTrue(report.adapted().contains("blocks.0.attn.qkv"));
            assertArrayEquals(before, tokens(vit, x).toFloatArray(), "B = 0: identical to the base");
            vit.setTraining(true); // dropout on the adapter input only: still exact with B = 0
            assertArrayEquals(before, tokens(vit, x).toFloatArray());
        }
    }

    @Test
    void mergedModelEqualsAdaptedModel(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m);
             NDScope scope = new NDScope()) {
            vit.initialize(12);
            LoRA.inject(vit, LoRAConfig.builder().optRank(4).optAlpha(8).build(), 6);
            long seed = 100;
            for (Parameter p : LoRA.loraParameters(vit).values()) {
                p.copyFrom(TestModels.randn(m, seed++, p.array().getShape().getShape()).mul(0.2f));
            }
            NDArray x = TestModels.randn(m, 2, 2, 3, 32, 48);
            NDArray adapted = tokens(vit, x);
            assertEquals(8, LoRA.merge(vit));
            assertTrue(LoRA.adaptedLayers(vit).isEmpty());
            assertFalse(vit.namedParameters().keySet().stream().anyMatch(n -> n.contains("lora")));
            NDArray merged = tokens(vit, x);
            float diff = TestModels.maxAbsDiff(adapted, merged);
            System.out.printf("LoRA merge: max-abs-diff adapted vs merged %.3g%n", diff);
            assertTrue(diff <= 1e-5, "diff " + diff);
            // the exported merged model loads as an ordinary ViT
            Path f = dir.resolve("merged.safetensors");
            Weights.save(vit, f, Map.of());
            try (Backbone plain = Backbones.load(f, m, true)) {
                assertTrue(TestModels.maxAbsDiff(merged, tokens(plain, x)) == 0f);
            }
        }
    }

    @Test
    void convolutionsWhenAsked() {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m)) {
            LoRA.Report r = LoRA.inject(vit, LoRAConfig.builder().optConvolutions(true).build(), 1);
            assertTrue(r.adapted().contains("patch_embed.proj"));
            assertEquals(9, r.adapted().size());
        }
    }

    @Test
    void onlyAdaptersTrain() {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m)) {
            LoRA.inject(vit, LoRAConfig.builder().optTargets(java.util.List.of("qkv")).build(), 1);
            vit.namedParameters().forEach((n, p) -> assertEquals(n.contains("lora_"), p.isTrainable(), n));
        }
    }

    @Test
    void deitTinyTrainableCount() {
        ViTConfig cfg = ViTConfig.preset("tiny").optNumClasses(1000).build();
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(cfg, m)) {
            // patch_embed.proj ends in "proj" but is a conv: METHOD §2 adapts the blocks' Linear layers
            LoRA.Report r = LoRA.inject(vit, LoRAConfig.builder().build(), 0);
            System.out.println("DeiT-Tiny " + r);
            assertEquals(294_912, r.trainable());
            assertEquals(48, r.adapted().size());
        }
    }
}
