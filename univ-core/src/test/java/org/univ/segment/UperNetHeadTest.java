package org.univ.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.univ.TestModels;
import org.univ.downstream.DenseFeatures;
import org.univ.model.ConvViT;
import org.univ.model.PositionEmbedding;
import org.univ.model.VisionTransformer;

class UperNetHeadTest {

    @Test
    void adaptiveAveragePoolingBinsAreTorchs() {
        // adaptive_avg_pool1d over 5 inputs into 3 bins: [0,2), [1,4), [3,5)
        float[][] m = UperNetHead.adaptiveAvgMatrix(5, 3);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0, 0, 0}, m[0], 1e-7f);
        assertArrayEquals(new float[] {0, 1 / 3f, 1 / 3f, 1 / 3f, 0}, m[1], 1e-7f);
        assertArrayEquals(new float[] {0, 0, 0, 0.5f, 0.5f}, m[2], 1e-7f);
        // more bins than inputs repeat them: 2 → 6
        float[][] up = UperNetHead.adaptiveAvgMatrix(2, 6);
        assertArrayEquals(new float[] {1, 0}, up[2], 1e-7f);
        assertArrayEquals(new float[] {0, 1}, up[3], 1e-7f);
        // scale 1 is the global mean
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, UperNetHead.adaptiveAvgMatrix(4, 1)[0], 1e-7f);
    }

    @Test
    void logitsHaveTheInputSizeForNonSquareInputs() {
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m);
             SegHead head = SegHead.forBackbone(m, vit, 5, 16)) {
            vit.module().initialize(1);
            head.initialize(2);
            DenseFeatures f = DenseFeatures.of(vit.forward(TestModels.randn(m, 3, 2, 3, 48, 80)));   // grid 3×5
            assertEquals(new Shape(2, 5, 12, 20), head.forward(f).getShape());                     // stride 4
            NDArray logits = head.logits(f, 48, 80);
            assertEquals(new Shape(2, 5, 48, 80), logits.getShape());
            // image 0's scores do not depend on image 1 (no batch statistics anywhere)
            DenseFeatures alone = DenseFeatures.of(vit.forward(TestModels.randn(m, 3, 2, 3, 48, 80).get("0:1")));
            assertEquals(0f, TestModels.maxAbsDiff(logits.get("0:1"), head.logits(alone, 48, 80)), 1e-5f);
            // 112×32: grid 7×2, the stride-32 level is 4×1 and PPM's 6×6 bins repeat it
            DenseFeatures tall = DenseFeatures.of(vit.forward(TestModels.randn(m, 4, 1, 3, 112, 32)));
            assertEquals(new Shape(1, 5, 112, 32), head.logits(tall, 112, 32).getShape());
        }
    }

    @Test
    void convVitHeadUsesStageMaps() {
        try (NDManager m = NDManager.newBaseManager(); ConvViT model = new ConvViT(TestModels.tinyConvViT(), m);
             SegHead head = SegHead.forBackbone(m, model, 3, 8)) {
            model.module().initialize(1);
            head.initialize(2);
            NDArray logits = head.logits(DenseFeatures.of(model.forward(TestModels.randn(m, 5, 1, 3, 64, 48))), 64, 48);
            assertEquals(new Shape(1, 3, 64, 48), logits.getShape());
            assertEquals(16, head.namedParameters().get("neck.simfp_4.conv1.weight").array().getShape().get(1));
        }
    }

    @Test
    void upsamplingIsBilinearWithoutAlignedCorners() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 4}, new Shape(1, 1, 1, 2));
            // PyTorch: F.interpolate([[0, 4]], size=4, mode='bilinear', align_corners=False) = [0, 1, 3, 4]
            assertArrayEquals(new float[] {0, 1, 3, 4}, PositionEmbedding.resizeBilinear(x, 1, 4).toFloatArray(), 1e-6f);
        }
    }
}
