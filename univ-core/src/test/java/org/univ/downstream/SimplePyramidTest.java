package org.univ.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.univ.TestModels;
import org.univ.model.ConvTranspose2d;
import org.univ.model.ConvViT;
import org.univ.model.VisionTransformer;

class SimplePyramidTest {

    @Test
    void transposedConvolutionPaintsTwoByTwoBlocks() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConvTranspose2d up = new ConvTranspose2d(m, 3, 2, 2);
            up.initialize(7);
            up.weight().array().set(TestModels.randn(m, 1, 3, 2, 2, 2).toFloatArray());
            NDArray x = TestModels.randn(m, 2, 1, 3, 2, 3);                             // [1, 3, 2, 3]
            float[] y = up.forward(x).toFloatArray();                                    // [1, 2, 4, 6]
            float[] w = up.weight().array().toFloatArray();
            float[] xs = x.toFloatArray();
            for (int o = 0; o < 2; o++) {
                for (int r = 0; r < 4; r++) {
                    for (int c = 0; c < 6; c++) {
                        double expected = 0;
                        for (int i = 0; i < 3; i++) {
                            expected += xs[i * 6 + (r / 2) * 3 + c / 2] * w[((i * 2 + o) * 2 + r % 2) * 2 + c % 2];
                        }
                        assertEquals(expected, y[(o * 4 + r) * 6 + c], 1e-5, "out " + o + "," + r + "," + c);
                    }
                }
            }
        }
    }

    @Test
    void vitPyramidHasEveryStrideForANonSquareInput() {
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m)) {
            vit.module().initialize(1);
            SimplePyramid pyramid = SimplePyramid.forBackbone(m, vit, 8, 4, 8, 16, 32);
            pyramid.initialize(2);
            NDArray images = TestModels.randn(m, 3, 2, 3, 48, 80);                       // grid 3×5
            List<NDArray> levels = pyramid.forward(DenseFeatures.of(vit.forward(images)));
            assertEquals(new Shape(2, 8, 12, 20), levels.get(0).getShape());
            assertEquals(new Shape(2, 8, 6, 10), levels.get(1).getShape());
            assertEquals(new Shape(2, 8, 3, 5), levels.get(2).getShape());
            assertEquals(new Shape(2, 8, 2, 3), levels.get(3).getShape());               // ceil(3/2), ceil(5/2)
            // the stride-16 level of image 0 depends only on image 0
            NDArray other = images.duplicate();
            other.set(new ai.djl.ndarray.index.NDIndex("1"), 0f);
            List<NDArray> levels2 = pyramid.forward(DenseFeatures.of(vit.forward(other)));
            assertEquals(0f, TestModels.maxAbsDiff(levels.get(2).get(0), levels2.get(2).get(0)), 1e-6f);
        }
    }

    @Test
    void convVitPyramidTakesItsStageMaps() {
        try (NDManager m = NDManager.newBaseManager(); ConvViT model = new ConvViT(TestModels.tinyConvViT(), m)) {
            model.module().initialize(1);
            SimplePyramid pyramid = SimplePyramid.forBackbone(m, model, 8, 4, 8, 16, 32);
            pyramid.initialize(2);
            DenseFeatures features = DenseFeatures.of(model.forward(TestModels.randn(m, 3, 1, 3, 64, 32)));
            List<NDArray> levels = pyramid.forward(features);
            assertEquals(new Shape(1, 8, 16, 8), levels.get(0).getShape());
            assertEquals(new Shape(1, 8, 8, 4), levels.get(1).getShape());
            assertEquals(new Shape(1, 8, 4, 2), levels.get(2).getShape());
            assertEquals(new Shape(1, 8, 2, 1), levels.get(3).getShape());
            // the stride-4 level is built from stage 1 (16 channels), not from up-sampled tokens
            assertEquals(16, pyramid.namedParameters().get("simfp_4.conv1.weight").array().getShape().get(1));
            assertThrows(IllegalArgumentException.class,
                    () -> pyramid.forward(new DenseFeatures(features.map(), List.of())));
        }
    }

    @Test
    void rejectsUnknownStrides() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> new SimplePyramid(m, 32, new int[0], 8, 8, 12));
            assertThrows(IllegalArgumentException.class, () -> new SimplePyramid(m, 32, new int[0], 8, 16, 8));
        }
    }
}
