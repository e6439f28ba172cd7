package org.univ.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.univ.TestModels;

class PositionEmbeddingTest {

    @Test
    void bilinearMatrixHandValues() {
        // 2 → 4, align_corners=False: source = (o + 0.5)/2 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25
        // → weights (1, 0), (0.75, 0.25), (0.25, 0.75), and at the border index 1 twice: (0, 0.75 + 0.25)
        float[][] up = PositionEmbedding.bilinearMatrix(2, 4);
        assertArrayEquals(new float[] {1f, 0f}, up[0], 0f);
        assertArrayEquals(new float[] {0.75f, 0.25f}, up[1], 0f);
        assertArrayEquals(new float[] {0.25f, 0.75f}, up[2], 0f);
        assertArrayEquals(new float[] {0f, 1f}, up[3], 0f);
        // 4 → 2: source = (o + 0.5)·2 − 0.5 = 0.5, 2.5 → halves of (0, 1) and (2, 3), no antialias
        float[][] down = PositionEmbedding.bilinearMatrix(4, 2);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f, 0f}, down[0], 0f);
        assertArrayEquals(new float[] {0f, 0f, 0.5f, 0.5f}, down[1], 0f);
        // 1 → 3: every output copies the single input
        for (float[] row : PositionEmbedding.bilinearMatrix(1, 3)) {
            assertArrayEquals(new float[] {1f}, row, 0f);
        }
    }

    @Test
    void bilinearRowsSumToOneAndSameSizeIsIdentity() {
        int[][] sizes = {{7, 30}, {30, 7}, {3, 5}, {21, 480}, {40, 640}, {5, 5}};
        for (int[] s : sizes) {
            for (float[] row : PositionEmbedding.bilinearMatrix(s[0], s[1])) {
                float sum = 0;
                int nonZero = 0;
                for (float v : row) {
                    sum += v;
                    nonZero += v != 0 ? 1 : 0;
                    assertTrue(v >= 0);
                }
                assertEquals(1f, sum, 1e-6f);
                assertTrue(nonZero <= 2);
            }
        }
        float[][] id = PositionEmbedding.bilinearMatrix(5, 5);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(i == j ? 1f : 0f, id[i][j], 0f);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> PositionEmbedding.bilinearMatrix(0, 3));
    }

    /**
     * libtorch's own bilinear interpolation (align_corners=False), reached through DJL's image resize. That resize
     * antialiases when it shrinks, so only enlargements are compared here (where antialiasing changes nothing);
     * plain shrinking is pinned by the hand values above.
     */
    @Test
    void resizeBilinearMatchesLibtorchInterpolateWhenEnlarging() {
        try (NDManager m = NDManager.newBaseManager()) {
            int[][] cases = {{3, 5, 7, 11}, {2, 6, 5, 6}, {4, 4, 16, 16}, {21, 28, 480, 640}};
            for (int[] c : cases) {
                NDArray maps = TestModels.randn(m, c[0] * 31L + c[1], 2, 3, c[0], c[1]);       // [2, 3, h, w]
                NDArray ours = PositionEmbedding.resizeBilinear(maps, c[2], c[3]);            // [2, 3, H, W]
                NDArray hwc = maps.transpose(0, 2, 3, 1);                                      // [2, h, w, 3]
                NDArray torch = NDImageUtils.resize(hwc, c[3], c[2], Image.Interpolation.BILINEAR)
                        .transpose(0, 3, 1, 2);
                float diff = TestModels.maxAbsDiff(ours, torch);
                System.out.printf("bilinear %dx%d -> %dx%d: max-abs-diff vs libtorch %.2e%n", c[0], c[1], c[2], c[3],
                        diff);
                assertEquals(new Shape(2, 3, c[2], c[3]), ours.getShape());
                assertTrue(diff < 1e-5f, "max-abs-diff " + diff);
            }
            NDArray same = TestModels.randn(m, 1, 1, 2, 3, 4);
            assertSame(same, PositionEmbedding.resizeBilinear(same, 3, 4));
        }
    }

    @Test
    void resizeBilinearIsDifferentiable() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray maps = TestModels.randn(m, 3, 1, 1, 2, 2);
            maps.setRequiresGradient(true);
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                collector.backward(PositionEmbedding.resizeBilinear(maps, 4, 4).sum());
            }
            // d Σout / d x[i][j] = (column sum i of the 2→4 matrix) · (column sum j) = (1+.75+.25)·(1+.75+.25) = 4
            assertArrayEquals(new float[] {4f, 4f, 4f, 4f}, maps.getGradient().toFloatArray(), 1e-6f);
        }
    }
}
