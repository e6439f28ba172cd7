package org.univ.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.io.CheckpointException;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;

class VisionTransformerTest {

    @Test
    void shapesForSquareAndRectangularInputs() {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m);
             NDScope scope = new NDScope()) {
            vit.initialize(1);
            BackboneOutput out = vit.forward(TestModels.randn(m, 2, 3, 3, 48, 32));
            assertEquals(new Shape(3, 6, 32), out.patchTokens().getShape());   // 3x2 grid
            assertEquals(new Shape(3, 2, 7, 7), out.lastAttention().getShape()); // CLS first
            assertEquals(new Shape(3, 5), out.logits().getShape());
            assertEquals(3, out.gridH());
            assertEquals(2, out.gridW());
            float[] rowSums = out.lastAttention().sum(new int[] {-1}).toFloatArray();
            for (float s : rowSums) {
                assertEquals(1f, s, 1e-5f);
            }
            assertThrows(IllegalArgumentException.class, () -> vit.forward(TestModels.randn(m, 2, 1, 3, 40, 32)));
        }
    }

    /** Tapped blocks: the residual stream after those blocks, patch tokens only; the last one is the pre-norm output. */
    @Test
    void tappedBlocksGiveTheResidualStreamAfterEachBlock() {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m);
             NDScope scope = new NDScope()) {
            vit.initialize(1);
            NDArray images = TestModels.randn(m, 2, 2, 3, 48, 32);
            BackboneOutput plain = vit.forward(images);
            assertTrue(plain.blockTokens().isEmpty());
            BackboneOutput tapped = vit.forward(images, new int[] {1, 0});
            assertEquals(2, tapped.blockTokens().size());
            assertEquals(new Shape(2, 6, 32), tapped.blockTokens().get(0).getShape());
            assertEquals(0f, TestModels.maxAbsDiff(plain.patchTokens(), tapped.patchTokens()), "taps change nothing");
            NDArray normed = vit.child("norm", LayerNorm.class).forward(tapped.blockTokens().get(0)); // block 1 = last
            assertTrue(TestModels.maxAbsDiff(normed, plain.patchTokens()) < 1e-6f);
            // block 0's output by hand: embed, then the first block alone
            NDArray x = vit.child("patch_embed", VisionTransformer.PatchEmbed.class).forward(images);
            NDArray cls = vit.ownParameters().get("cls_token").array().broadcast(2, 1, 32);
            x = cls.concat(x, 1).add(vit.positionEmbedding(3, 2, m));
            NDArray afterFirst = vit.child("blocks", Blocks.class).get(0).forward(x).get(0).get(":, 1:, :");
            assertTrue(TestModels.maxAbsDiff(afterFirst, tapped.blockTokens().get(1)) < 1e-6f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> vit.forward(images, new int[] {2}));
            assertTrue(e.getMessage().contains("block 2"), e.getMessage());
        }
    }

    @Test
    void bicubicMatrixIsIdentityForSameSizeAndRowsSumToOne() {
        float[][] w = PositionEmbedding.bicubicMatrix(14, 7);
        for (float[] row : w) {
            float s = 0;
            for (float v : row) {
                s += v;
            }
            assertEquals(1f, s, 1e-6f);
        }
        float[][] id = PositionEmbedding.bicubicMatrix(5, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(1f, id[i][i], 1e-7f);
        }
    }

    @Test
    void gradientsReachTrainableParameters() {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m)) {
            vit.initialize(3);
            vit.setTrainable(true);
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // 48 px on a 32 px model: the resampled position embedding must pass gradients too
                NDArray loss = vit.forward(TestModels.randn(m, 4, 2, 3, 48, 48)).patchTokens().square().mean();
                gc.backward(loss);
            }
            for (var e : vit.namedParameters().entrySet()) {
                NDArray g = e.getValue().array().getGradient();
                assertNotNull(g, e.getKey());
                assertTrue(g.abs().sum().getFloat() > 0 || e.getKey().startsWith("head"), "no gradient for " + e.getKey());
            }
        }
    }

    @Test
    void saveLoadRoundTripIsBitExact(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m)) {
            vit.initialize(7);
            Path file = dir.resolve("vit.safetensors");
            Weights.save(vit, file, java.util.Map.of("note", "test"));
            StateDict sd = SafeTensors.load(file, m);
            assertEquals("test", sd.metadata().get("note"));
            assertEquals("32", sd.metadata().get("img_size"));
            for (var e : vit.namedParameters().entrySet()) {
                assertArrayEquals(e.getValue().array().toFloatArray(), sd.require(e.getKey()).toFloatArray(), e.getKey());
            }
            try (Backbone again = Backbones.load(file, m, true); NDScope scope = new NDScope()) {
                assertEquals(vit.config().toMetadata(), again.config().toMetadata());
                NDArray x = TestModels.randn(m, 5, 1, 3, 32, 32);
                assertArrayEquals(vit.forward(x).patchTokens().toFloatArray(), again.forward(x).patchTokens().toFloatArray());
            }
        }
    }

    @Test
    void strictLoadListsEveryProblemAndNonStrictSkipsTheHead() {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m)) {
            StateDict sd = new StateDict();
            Weights.tensors(vit).forEach(sd::put);
            StateDict broken = new StateDict();
            sd.tensors().forEach((k, v) -> {
                if (!k.equals("norm.bias")) {
                    broken.put(k, k.equals("head.weight") ? m.zeros(new Shape(7, 32)) : v);
                }
            });
            broken.put("extra.thing", m.zeros(new Shape(1)));
            CheckpointException e = assertThrows(CheckpointException.class, () -> Weights.load(vit, broken, true, "x"));
            assertTrue(e.getMessage().contains("norm.bias"), e.getMessage());
            assertTrue(e.getMessage().contains("extra.thing"), e.getMessage());
            assertTrue(e.getMessage().contains("head.weight checkpoint (7, 32)"), e.getMessage());
            Weights.LoadReport r = Weights.load(vit, broken, false, "x");
            assertEquals(1, r.missing().size());
            assertEquals(1, r.unexpected().size());
            assertEquals(1, r.shapeMismatched().size());
        }
    }

    @Test
    void presetsHaveTheDocumentedSizes() {
        assertEquals(5_717_416L, countParams(ViTConfig.preset("tiny").optNumClasses(1000).build()));
        ViTConfig base = ViTConfig.preset("base").build();
        assertEquals(768, base.embedDim());
        assertEquals(12, base.numHeads());
        assertEquals(384, ViTConfig.preset("small").build().embedDim());
    }

    private static long countParams(ViTConfig cfg) {
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(cfg, m)) {
            return vit.namedParameters().values().stream().mapToLong(Parameter::numel).sum();
        }
    }
}
