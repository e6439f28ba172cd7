package org.univ.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Shared;
import org.univ.TestModels;
import org.univ.io.CheckpointException;
import org.univ.io.StateDict;
import org.univ.lora.LoRA;
import org.univ.lora.LoRAConfig;
import org.univ.lora.LoRAModule;

class ConvViTTest {

    @Test
    void matchesPyTorchReferenceAt96And64() {
        try (NDManager m = NDManager.newBaseManager(); ConvViTReference ref = ConvViTReference.open(m)) {
            ConvViT model = ref.model();
            assertEquals(List.of(32, 48, 96), List.of(model.config().embedDims()[0], model.config().embedDims()[1],
                    model.config().embedDim()));
            for (int size : ConvViTReference.SIZES) {
                try (NDScope scope = new NDScope()) {
                    BackboneOutput out = model.forward(ref.reference("input", size));
                    int g = size / 16;
                    assertEquals(0, out.prefixTokens());
                    assertNull(out.logits());
                    assertEquals(g, out.gridH());
                    assertEquals(g, out.gridW());
                    assertEquals(new Shape(2, (long) g * g, 96), out.patchTokens().getShape());
                    assertEquals(new Shape(2, 4, (long) g * g, (long) g * g), out.lastAttention().getShape());
                    float tokens = TestModels.maxAbsDiff(out.patchTokens(), ref.reference("tokens", size));
                    float attn = TestModels.maxAbsDiff(out.lastAttention(), ref.reference("attn_last", size));
                    float stage1 = TestModels.maxAbsDiff(out.stageMaps().get(0), ref.reference("stage1", size));
                    float stage2 = TestModels.maxAbsDiff(out.stageMaps().get(1), ref.reference("stage2", size));
                    float pos = TestModels.maxAbsDiff(model.positionEmbedding(g, g, m), ref.reference("pos_embed", size));
                    System.out.printf("ConvViT reference %d px: max|Δ| tokens %.2e, attention %.2e, stage1 %.2e,"
                            + " stage2 %.2e, pos_embed %.2e%n", size, tokens, attn, stage1, stage2, pos);
                    assertTrue(tokens <= 1e-4, "tokens " + tokens);
                    assertTrue(stage1 <= 1e-4, "stage1 " + stage1);
                    assertTrue(stage2 <= 1e-4, "stage2 " + stage2);
                    assertTrue(attn <= 1e-5, "attention " + attn);
                    assertTrue(pos <= 1e-5, "pos_embed " + pos);
                }
            }
        }
    }

    @Test
    void sinCosTableIsTheStoredFixedEmbedding() {
        try (NDManager m = NDManager.newBaseManager(); ConvViTReference ref = ConvViTReference.open(m)) {
            NDArray table = ConvViT.sinCosPositionEmbedding(m, 96, 6, 6);
            float diff = TestModels.maxAbsDiff(table, ref.all().require("pos_embed"));
            System.out.printf("sin-cos table vs the fixture's pos_embed: max|Δ| %.2e%n", diff);
            assertTrue(diff <= 1e-5, "sin-cos " + diff);
        }
        // without the fixture: first half of the channels follows the column, second half the row
        try (NDManager m = NDManager.newBaseManager()) {
            float[] t = ConvViT.sinCosPositionEmbedding(m, 8, 2, 3).toFloatArray(); // [1, 6, 8]
            assertEquals(Math.sin(2), t[2 * 8], 1e-6);          // token (row 0, col 2): sin(col · ω0)
            assertEquals(Math.cos(2 * 0.01), t[2 * 8 + 3], 1e-6); // cos(col · ω1), ω1 = 10000^(-1/2)
            assertEquals(0, t[2 * 8 + 4], 1e-6);                // sin(row · ω0) = 0 on row 0
            assertEquals(Math.sin(1), t[(3 + 2) * 8 + 4], 1e-6);  // token (row 1, col 2)
            assertThrows(IllegalArgumentException.class, () -> ConvViT.sinCosPositionEmbedding(m, 6, 2, 2));
        }
    }

    @Test
    void baseModelHasConvMaeNamesAndShapes() throws IOException {
        Path file = Shared.require("fixtures/convvit_base_param_shapes.json");
        Map<String, List<Long>> expected = new ObjectMapper().readValue(file.toFile(),
                new TypeReference<LinkedHashMap<String, List<Long>>>() { });
        ConvViTConfig config = ConvViTConfig.preset("convvit-base").build();
        assertEquals(16, config.patch());
        assertEquals(14, config.gridSize());
        try (NDManager m = NDManager.newBaseManager(); ConvViT model = new ConvViT(config, m)) {
            Map<String, List<Long>> actual = new TreeMap<>();
            long values = 0;
            for (var e : model.namedParameters().entrySet()) {
                List<Long> shape = new ArrayList<>();
                for (long d : e.getValue().array().getShape().getShape()) {
                    shape.add(d);
                }
                actual.put(e.getKey(), shape);
                values += e.getValue().numel();
            }
            assertEquals(new TreeMap<>(expected), actual);
            assertEquals(84_605_824L, values);

            // LoRA as the authors configure it: qkv/proj/fc1/fc2 on Linear layers and on convolutions
            LoRA.Report report = LoRA.inject(model, LoRAConfig.builder().optConvolutions(true).build(), 0);
            TreeSet<String> wanted = new TreeSet<>(List.of("patch_embed1.proj", "patch_embed2.proj", "patch_embed3.proj"));
            long trainable = lora(3, 256, 4) + lora(256, 384, 2) + lora(384, 768, 2);
            for (int s = 1; s <= 2; s++) {
                int dim = s == 1 ? 256 : 384;
                for (int i = 0; i < 2; i++) {
                    wanted.add("blocks" + s + "." + i + ".mlp.fc1");
                    wanted.add("blocks" + s + "." + i + ".mlp.fc2");
                    trainable += lora(dim, 4 * dim, 1) + lora(4 * dim, dim, 1);
                }
            }
            for (int i = 0; i < 11; i++) {
                for (String layer : List.of("attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2")) {
                    wanted.add("blocks3." + i + "." + layer);
                }
                trainable += lora(768, 3 * 768, 1) + lora(768, 768, 1) + lora(768, 3072, 1) + lora(3072, 768, 1);
            }
            System.out.println("convvit-base, r 8: " + report);
            assertEquals(wanted, new TreeSet<>(report.adapted()));
            assertEquals(trainable, report.trainable());
            assertEquals(84_605_824L + trainable, report.total());
            assertFalse(model.namedModules().get("blocks1.0.attn") instanceof LoRAModule); // depthwise: not a target
            assertFalse(model.namedModules().get("patch_embed4") instanceof LoRAModule);
        }
    }

    /** No convolution of a ConvViT (adapted or merged) goes through libtorch's CPU conv: see Conv2d#computedAsMatmuls. */
    private static void assertEveryConvIsComputedAsMatmuls(ConvViT model) {
        int convs = 0;
        for (var e : model.namedModules().entrySet()) {
            if (e.getValue() instanceof Conv2d conv) {
                assertTrue(conv.isComputedAsMatmuls(), e.getKey() + " uses libtorch's conv");
                convs++;
            }
        }
        assertTrue(convs >= 10, "convolutions found: " + convs);
    }

    /** LoRA r 8 values of a conv/Linear in → out with a k×k kernel: A [8, in, k, k] + B [out, 8]. */
    private static long lora(int in, int out, int k) {
        return 8L * in * k * k + 8L * out;
    }

    @Test
    void convLoRAStartsAtTheBaseAndMergesToTheAdaptedModel() {
        try (NDManager m = NDManager.newBaseManager(); ConvViT model = new ConvViT(TestModels.tinyConvViT(), m)) {
            model.initialize(7);
            NDArray images = TestModels.randn(m, 8, 2, 3, 32, 32);
            float[] base = tokens(model, images);
            assertEveryConvIsComputedAsMatmuls(model);
            LoRA.Report report = LoRA.inject(model, LoRAConfig.builder().optConvolutions(true).build(), 9);
            assertEquals(11, report.adapted().size()); // 3 patch-embed convs, 2 stages × fc1/fc2, qkv/proj/fc1/fc2
            assertEveryConvIsComputedAsMatmuls(model);
            assertArrayEquals(base, tokens(model, images), "B = 0: the adapted model is the base model exactly");

            int seed = 10;
            for (var p : LoRA.loraParameters(model).values()) {
                NDArray random = TestModels.randn(m, seed++, p.array().getShape().getShape()).muli(0.2f);
                p.copyFrom(random);
            }
            float[] adapted = tokens(model, images);
            NDArray rectangular = TestModels.randn(m, 30, 1, 3, 32, 48);
            float[] adaptedRect = tokens(model, rectangular);
            assertEquals(11, LoRA.merge(model));
            assertTrue(LoRA.loraParameters(model).isEmpty());
            assertEveryConvIsComputedAsMatmuls(model);
            float diff = maxAbsDiff(adapted, tokens(model, images));
            float diffRect = maxAbsDiff(adaptedRect, tokens(model, rectangular));
            System.out.printf("conv LoRA: merged vs adapted max|Δ| %.2e (32x32), %.2e (32x48)%n", diff, diffRect);
            assertTrue(maxAbsDiff(base, adapted) > 1e-2, "random A/B must change the tokens");
            assertTrue(diff <= 1e-5, "merged " + diff);
            assertTrue(diffRect <= 1e-5, "merged 32x48 " + diffRect);
        }
    }

    @Test
    void rectangularInputsGiveRectangularGrids() {
        try (NDManager m = NDManager.newBaseManager(); ConvViT model = new ConvViT(TestModels.tinyConvViT(), m);
             NDScope scope = new NDScope()) {
            model.initialize(3);
            BackboneOutput out = model.forward(TestModels.randn(m, 4, 2, 3, 32, 48));
            assertEquals(2, out.gridH());
            assertEquals(3, out.gridW());
            assertEquals(new Shape(2, 6, 32), out.patchTokens().getShape());
            assertEquals(new Shape(2, 2, 6, 6), out.lastAttention().getShape());
            assertEquals(new Shape(2, 16, 8, 12), out.stageMaps().get(0).getShape());
            assertEquals(new Shape(2, 24, 4, 6), out.stageMaps().get(1).getShape());
            for (float s : out.lastAttention().sum(new int[] {-1}).toFloatArray()) {
                assertEquals(1f, s, 1e-5f);
            }
            // the 2x3 position table is the stored 2x2 one resampled per axis: rows from 2 → 2 (identity), columns 2 → 3
            NDArray table = model.namedParameters().get("pos_embed").array();
            NDArray pos = model.positionEmbedding(2, 3, m);
            float[][] cols = PositionEmbedding.bicubicMatrix(2, 3);
            NDArray grid = table.reshape(2, 2, 32);
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    NDArray expected = grid.get(r, 0).mul(cols[c][0]).add(grid.get(r, 1).mul(cols[c][1]));
                    assertTrue(TestModels.maxAbsDiff(expected, pos.get(0, r * 3 + c)) < 1e-6, "pos " + r + "," + c);
                }
            }
            // non-square source grid: resampling commutes with transposing the grid
            NDArray src = TestModels.randn(m, 5, 1, 2 * 3, 4);
            NDArray a = PositionEmbedding.resample(src, 2, 3, 5, 4).reshape(5, 4, 4).transpose(1, 0, 2);
            NDArray b = PositionEmbedding.resample(src.reshape(2, 3, 4).transpose(1, 0, 2).reshape(1, 6, 4), 3, 2, 4, 5)
                    .reshape(4, 5, 4);
            assertTrue(TestModels.maxAbsDiff(a, b) < 1e-6);
            assertThrows(IllegalArgumentException.class, () -> model.forward(TestModels.randn(m, 6, 1, 3, 32, 40)));
        }
    }

    @Test
    void loraGradientsReachConvAdapters() {
        try (NDManager m = NDManager.newBaseManager(); ConvViT model = new ConvViT(TestModels.tinyConvViT(), m)) {
            model.initialize(3);
            LoRA.inject(model, LoRAConfig.builder().optConvolutions(true).build(), 4);
            for (var e : LoRA.loraParameters(model).entrySet()) {
                if (e.getKey().endsWith(".lora_B")) { // non-zero B, so that A gets a gradient too
                    e.getValue().copyFrom(TestModels.randn(m, 11, e.getValue().array().getShape().getShape()).muli(0.1f));
                }
            }
            model.setTraining(true);
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(model.forward(TestModels.randn(m, 4, 2, 3, 48, 32)).patchTokens().square().mean());
            }
            for (var e : LoRA.loraParameters(model).entrySet()) {
                NDArray g = e.getValue().array().getGradient();
                assertNotNull(g, e.getKey());
                assertTrue(g.abs().sum().getFloat() > 0, "no gradient for " + e.getKey());
            }
        }
    }

    @Test
    void exportAndLoadRoundTripIsBitExact(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager(); ConvViT model = new ConvViT(TestModels.tinyConvViT(), m)) {
            model.initialize(5);
            NDArray images = TestModels.randn(m, 6, 2, 3, 48, 32);
            Path file = dir.resolve("convvit.safetensors");
            Weights.save(model, file, Map.of("note", "round trip"));
            try (Backbone again = Backbones.load(file, m, true)) {
                assertTrue(again instanceof ConvViT);
                assertEquals(model.config(), again.config());
                try (NDScope scope = new NDScope()) {
                    BackboneOutput a = model.forward(images);
                    BackboneOutput b = again.forward(images);
                    assertArrayEquals(a.patchTokens().toFloatArray(), b.patchTokens().toFloatArray());
                    assertArrayEquals(a.lastAttention().toFloatArray(), b.lastAttention().toFloatArray());
                    for (int i = 0; i < 2; i++) {
                        assertArrayEquals(a.stageMaps().get(i).toFloatArray(), b.stageMaps().get(i).toFloatArray());
                    }
                }
            }
        }
    }

    @Test
    void configRoundTripsThroughMetadataAndShapes() {
        ConvViTConfig config = ConvViTConfig.builder().setEmbedDims(16, 24, 32).setDepths(1, 0, 2).setNumHeads(4)
                .optImgSize(64).optMlpRatio(2).optBlock3LnEps(1e-5f).build();
        assertEquals(config, ConvViTConfig.fromMetadata(config.toMetadata(), "test"));
        try (NDManager m = NDManager.newBaseManager(); ConvViT model = new ConvViT(config, m)) {
            StateDict sd = new StateDict();
            Weights.tensors(model).forEach(sd::put);
            // shapes alone: everything but the head count (width/64 → 1) and the eps
            ConvViTConfig inferred = ConvViTConfig.fromShapes(sd, "test");
            assertEquals(config.toBuilder().setNumHeads(1).optBlock3LnEps(1e-6f).build(), inferred);
            sd.metadata().put("num_heads", "4");
            sd.metadata().put("block3_ln_eps", "1e-5");
            assertEquals(config, Backbones.configOf(sd, "test"));   // detected by tensor names
            sd.metadata().put("arch", "convmae_convvit");
            assertEquals(config, Backbones.configOf(sd, "test"));   // by metadata arch, sizes from shapes
        }
        ConvViTConfig base = ConvViTConfig.preset("convvit-base").build();
        Map<String, String> meta = base.toMetadata();
        assertEquals("convvit", meta.get("arch"));
        assertEquals("256,384,768", meta.get("embed_dims"));
        assertEquals("2,2,11", meta.get("depths"));
        assertEquals("4,2,2", meta.get("patch_sizes"));
        assertEquals(1e-5f, base.stageLnEps());
        assertEquals(1e-6f, base.block3LnEps());
        Map<String, String> convmae = new LinkedHashMap<>(Map.of("arch", "convmae_convvit", "embed_dims", "256,384,768",
                "depths", "2,2,11", "num_heads", "12", "mlp_ratio", "4,4,4"));
        assertEquals(base, ConvViTConfig.fromMetadata(convmae, "test"));
        convmae.put("mlp_ratio", "4,4,2");
        assertThrows(CheckpointException.class, () -> ConvViTConfig.fromMetadata(convmae, "test"));
        convmae.remove("depths");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ConvViTConfig.fromMetadata(convmae, "f.pth"));
        assertTrue(e.getMessage().contains("depths") && e.getMessage().contains("f.pth"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvViTConfig.builder().setEmbedDims(16, 24, 30)
                .setDepths(1, 1, 1).setNumHeads(4).build());                 // 30 not divisible by 4 heads
        assertThrows(IllegalArgumentException.class, () -> ConvViTConfig.builder().setEmbedDims(16, 24)
                .setDepths(1, 1, 1).setNumHeads(2).build());                 // two stages
        assertThrows(IllegalArgumentException.class, () -> ConvViTConfig.builder().setEmbedDims(16, 24, 32)
                .setDepths(1, 1, 1).setNumHeads(2).optImgSize(40).build());  // not a multiple of 16
        assertThrows(IllegalArgumentException.class, () -> ConvViTConfig.preset("convvit-huge"));
    }

    @Test
    void unusedConvMaeTensorsAreIgnoredOthersAreNot() {
        try (NDManager m = NDManager.newBaseManager(); ConvViT model = new ConvViT(TestModels.tinyConvViT(), m)) {
            model.initialize(2);
            StateDict sd = new StateDict();
            Weights.tensors(model).forEach(sd::put);
            sd.metadata().putAll(model.config().toMetadata());
            sd.put("stage1_output_decode.weight", m.zeros(new Shape(32, 16, 4, 4)));
            sd.put("stage2_output_decode.bias", m.zeros(new Shape(32)));
            sd.put("decoder_embed.weight", m.zeros(new Shape(8, 32)));
            sd.put("decoder_pos_embed", m.zeros(new Shape(1, 4, 8)));
            sd.put("mask_token", m.zeros(new Shape(1, 1, 8)));
            try (Backbone loaded = Backbones.fromStateDict(sd, m, true, "convmae.pth")) {
                Weights.LoadReport report = Weights.load(loaded.module(), sd, true, "convmae.pth");
                assertEquals(5, report.ignored().size(), report.toString());
                assertTrue(report.unexpected().isEmpty());
            }
            sd.put("head.weight", m.zeros(new Shape(10, 32)));
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Weights.load(model, sd, true, "convmae.pth"));
            assertTrue(e.getMessage().contains("head.weight"), e.getMessage());
        }
    }

    private static float[] tokens(Backbone model, NDArray images) {
        try (NDScope scope = new NDScope()) {
            return model.forward(images).patchTokens().toFloatArray();
        }
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
