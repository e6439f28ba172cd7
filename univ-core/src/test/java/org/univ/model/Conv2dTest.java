package org.univ.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.univ.TestModels;

/** The matmul forms of the convolution (tiny maps, ConvViT) equal libtorch's conv, values and gradients. */
class Conv2dTest {
    /** in, out, kernel, stride, padding, groups, H, W: patchify (4/4, 2/2, 1×1), dense 3×3, depthwise 5×5
     *  (products on tiny maps; the 12×10 map goes to libtorch). */
    private static final int[][] SHAPES = {
        {3, 6, 4, 4, 0, 1, 8, 12}, {4, 5, 2, 2, 0, 1, 6, 4}, {4, 7, 1, 1, 0, 1, 3, 5},
        {3, 4, 3, 1, 1, 1, 4, 5}, {6, 6, 5, 1, 2, 6, 4, 7}, {6, 6, 5, 1, 2, 6, 1, 2}, {6, 6, 5, 1, 2, 6, 12, 10},
    };

    @Test
    void everyMatmulFormEqualsLibtorchInValueAndGradient() {
        for (int[] c : SHAPES) {
            float[][] reference = convAndGradients(c, false);
            float[][] matmuls = convAndGradients(c, true);
            String name = java.util.Arrays.toString(c);
            for (int i = 0; i < 4; i++) {
                assertEquals(reference[i].length, matmuls[i].length, name);
                assertArrayEquals(reference[i], matmuls[i], 1e-4f, name + ", output/dx/dw/db " + i);
            }
            for (int i = 1; i < 4; i++) {                                     // gradients that say something
                double norm = 0;
                for (float v : reference[i]) {
                    norm += Math.abs(v);
                }
                assertTrue(norm > 0, name + ": zero gradient " + i);
            }
        }
    }

    /** Output, then dL/dx, dL/dw, dL/db of L = Σ out · r for a fixed random r. */
    private static float[][] convAndGradients(int[] c, boolean asMatmuls) {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d conv = new Conv2d(m, c[0], c[1], c[2], c[3], c[4], c[5], true);
            conv.weight().copyFrom(TestModels.randn(m, 1, conv.weight().array().getShape().getShape()));
            conv.bias().copyFrom(TestModels.randn(m, 2, c[1]));
            if (asMatmuls) {
                assertFalse(conv.isComputedAsMatmuls());
                assertTrue(conv.computedAsMatmuls().isComputedAsMatmuls());
            }
            NDArray x = TestModels.randn(m, 3, 2, c[0], c[6], c[7]);
            x.setRequiresGradient(true);
            conv.weight().array().setRequiresGradient(true);
            conv.bias().array().setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = conv.forward(x);
                NDArray r = TestModels.randn(m, 4, out.getShape().getShape());
                gc.backward(out.mul(r).sum());
                return new float[][] {out.toFloatArray(), x.getGradient().toFloatArray(),
                    conv.weight().array().getGradient().toFloatArray(), conv.bias().array().getGradient().toFloatArray()};
            }
        }
    }

    @Test
    void aShapeWithoutMatmulFormIsRefusedWhenChosen() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d strided = new Conv2d(m, 3, 4, 3, 2, 1, 1, true);                // 3×3 stride 2: no matmul form
            IllegalStateException e = assertThrows(IllegalStateException.class, strided::computedAsMatmuls);
            assertTrue(e.getMessage().contains("stride 2"), e.getMessage());
            assertFalse(strided.isComputedAsMatmuls());
        }
    }

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
