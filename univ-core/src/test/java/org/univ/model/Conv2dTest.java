package org.univ.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.univ.TestModels;

/** The shifted-matmul convolution used for maps smaller than the kernel equals libtorch's conv where both apply. */
class Conv2dTest {
    @Test
    void shiftedMatmulsEqualLibtorchConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = TestModels.randn(m, 1, 2, 5, 6, 7);
            NDArray w = TestModels.randn(m, 2, 4, 5, 3, 3);
            NDArray b = TestModels.randn(m, 3, 4);
            for (int padding : new int[] {0, 1}) {
                NDArray expected = ai.djl.nn.convolutional.Conv2d.conv2d(x, w, b, new ai.djl.ndarray.types.Shape(1, 1),
                        new ai.djl.ndarray.types.Shape(padding, padding), new ai.djl.ndarray.types.Shape(1, 1), 1)
                        .singletonOrThrow();
                NDArray actual = Conv2d.convAsShiftedMatmuls(x, w, b, padding);
                assertEquals(expected.getShape(), actual.getShape());
                assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 1e-5f, "padding " + padding);
            }
        }
    }

    @Test
    void aMapSmallerThanTheKernelByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = TestModels.randn(m, 4, 2, 3, 1, 2);                  // 1×2 map, 3×3 kernel
            NDArray w = TestModels.randn(m, 5, 4, 3, 3, 3);
            NDArray out = Conv2d.convAsShiftedMatmuls(x, w, null, 1);
            // by hand: output (0, 0) sees input (0, 0) through tap (1, 1) and input (0, 1) through tap (1, 2)
            float[] xs = x.toFloatArray();
            float[] ws = w.toFloatArray();
            for (int o = 0; o < 4; o++) {
                double v = 0;
                for (int c = 0; c < 3; c++) {
                    v += xs[c * 2] * ws[((o * 3 + c) * 3 + 1) * 3 + 1] + xs[c * 2 + 1] * ws[((o * 3 + c) * 3 + 1) * 3 + 2];
                }
                assertEquals(v, out.get(0, o, 0, 0).getFloat(), 1e-5, "channel " + o);
            }
        }
    }
}
