package org.univ.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class PixelCrossEntropyTest {

    /** K 2, one image of 1×3 pixels: logits laid out [B, K, H, W] from per-pixel pairs. */
    private static NDArray logits(NDManager m, float[][] perPixel) {
        float[] v = new float[2 * perPixel.length];
        for (int p = 0; p < perPixel.length; p++) {
            v[p] = perPixel[p][0];                       // class 0 plane
            v[perPixel.length + p] = perPixel[p][1];     // class 1 plane
        }
        return m.create(v, new Shape(1, 2, 1, perPixel.length));
    }

    /** Loss of one image, its gradient w.r.t. the logits copied into {@code gradOut}. */
    private static float lossAndGradient(NDManager m, float[][] perPixel, int[] truth, float[] gradOut) {
        NDArray z = logits(m, perPixel);
        z.setRequiresGradient(true);
        float loss;
        try (GradientCollector collector = m.getEngine().newGradientCollector()) {
            NDArray l = PixelCrossEntropy.loss(z, m.create(truth, new Shape(1, 1, truth.length)), 255);
            loss = l.getFloat();
            collector.backward(l);
        }
        System.arraycopy(z.getGradient().toFloatArray(), 0, gradOut, 0, gradOut.length);
        return loss;
    }

    @Test
    void meanOverLabelledPixelsAndZeroGradientAtIgnoredOnes() {
        try (NDManager m = NDManager.newBaseManager()) {
            // pixel 0: z (1, 0), class 0 → −log(e¹/(e¹+e⁰)) = log(1 + e⁻¹)
            // pixel 1: z (0, 2), class 0 → −log(1/(1+e²))   = log(1 + e²)
            // pixel 2: z (5, −3), ignored
            float[][] z = {{1, 0}, {0, 2}, {5, -3}};
            int[] truth = {0, 0, 255};
            float[] grad = new float[6];
            float loss = lossAndGradient(m, z, truth, grad);
            double expected = (Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(2))) / 2;
            assertEquals(expected, loss, 1e-6);
            // d/dz = (softmax − one-hot) / 2 labelled pixels; layout [class0: p0 p1 p2, class1: p0 p1 p2]
            double s0 = Math.exp(1) / (Math.exp(1) + 1);     // softmax class 0 at pixel 0
            double s1 = 1 / (1 + Math.exp(2));               // softmax class 0 at pixel 1
            assertArrayEquals(new float[] {(float) ((s0 - 1) / 2), (float) ((s1 - 1) / 2), 0f,
                    (float) ((1 - s0) / 2), (float) ((1 - s1) / 2), 0f}, grad, 1e-6f);
            assertEquals(0f, grad[2], 0f);
            assertEquals(0f, grad[5], 0f);

            // whatever the ignored pixel's logits, the loss is the same
            float[] other = new float[6];
            float changed = lossAndGradient(m, new float[][] {{1, 0}, {0, 2}, {-40, 70}}, truth, other);
            assertEquals(loss, changed, 0f);
        }
    }

    @Test
    void allIgnoredGivesZeroLossAndGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] grad = new float[4];
            float loss = lossAndGradient(m, new float[][] {{1, 0}, {0, 2}}, new int[] {255, 255}, grad);
            assertEquals(0f, loss, 0f);
            assertArrayEquals(new float[4], grad, 0f);
        }
    }

    @Test
    void rejectsBadShapesAndClasses() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.zeros(new Shape(1, 2, 1, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PixelCrossEntropy.loss(z, m.create(new int[] {0, 2, 255}, new Shape(1, 1, 3)), 255));
            assertTrue(e.getMessage().contains("(e.g. 2)"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> PixelCrossEntropy.loss(z, m.create(new int[] {0, 1}, new Shape(1, 1, 2)), 255));
        }
    }
}
