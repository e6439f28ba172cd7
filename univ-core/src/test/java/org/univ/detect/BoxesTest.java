package org.univ.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BoxesTest {
    @Test
    void pairwiseIouByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {0, 0, 2, 2, 0, 0, 4, 1}, new Shape(2, 4));
            NDArray b = m.create(new float[] {1, 1, 3, 3, 0, 0, 2, 1, 5, 5, 6, 6}, new Shape(3, 4));
            NDArray iou = Boxes.iou(a, b);
            assertEquals(new Shape(2, 3), iou.getShape());
            // [0,0,2,2]: with [1,1,3,3] 1·1 / (4 + 4 − 1) = 1/7; with [0,0,2,1] 2 / (4 + 2 − 2) = .5; apart: 0
            // [0,0,4,1]: with [1,1,3,3] the y-overlap is min(1,3) − max(0,1) = 0 → 0; with [0,0,2,1] 2/4 = .5
            assertArrayEquals(new float[] {1f / 7, 0.5f, 0, 0, 0.5f, 0}, iou.toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {4, 4}, Boxes.area(a).toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> Boxes.iou(a, m.zeros(new Shape(3))));
        }
    }

    @Test
    void giouByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {0, 0, 2, 2, 0, 0, 1, 1, 0, 0, 2, 2}, new Shape(3, 4));
            NDArray b = m.create(new float[] {1, 1, 3, 3, 2, 0, 3, 1, 0, 0, 2, 2}, new Shape(3, 4));
            // 1: IoU 1/7, enclosing 3·3 = 9, union 7 → 1/7 − 2/9 = −5/63
            // 2: apart: IoU 0, enclosing [0,0,3,1] = 3, union 2 → −1/3
            // 3: identical → 1
            assertArrayEquals(new float[] {-5f / 63, -1f / 3, 1}, Boxes.pairedGiou(a, b).toFloatArray(), 1e-6f);
            // pairwise: the diagonal is the paired value
            NDArray all = Boxes.giou(a, b);
            assertEquals(new Shape(3, 3), all.getShape());
            assertEquals(-5f / 63, all.getFloat(0, 0), 1e-6f);
            assertEquals(1f, all.getFloat(2, 2), 1e-6f);
            // paired broadcasts over leading axes: [2, 3, 4] × [3, 4]
            assertEquals(new Shape(2, 3), Boxes.pairedGiou(a.expandDims(0).repeat(0, 2), b).getShape());
        }
    }

    @Test
    void giouGradientByHandSurvivesAGarbageCollection() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pred = m.create(new float[] {0, 0, 2, 2}, new Shape(1, 4));
            NDArray target = m.create(new float[] {1, 1, 3, 3}, new Shape(1, 4));
            pred.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = Boxes.pairedGiou(pred, target).neg().add(1).sum(); // 1 − GIoU
                churn(m);
                gc.backward(loss);
            }
            // GIoU = I/U − 1 + U/C with I = 1, U = 7, C = 9 (the target's corner (3, 3) bounds C)
            // ∂/∂x2: I' = 1 (the overlap grows), U' = A' − I' = 2 − 1 = 1, C' = 0 → (1·7 − 1·1)/49 + 1/9 = 103/441
            // ∂/∂x1: I' = 0 (the overlap starts at the target's 1), U' = −2, C' = −3
            //        → (0 − 1·(−2))/49 + ((−2)·9 − 7·(−3))/81 = 2/49 + 1/27 = 103/1323; y alike
            float dx1 = -103f / 1323;
            float dx2 = -103f / 441;
            assertArrayEquals(new float[] {dx1, dx1, dx2, dx2}, pred.getGradient().toFloatArray(), 1e-5f);
        }
    }

    /** Frees and reuses native and heap memory between forward and backward, as a busy JVM would. */
    private static void churn(NDManager m) {
        for (int i = 0; i < 10; i++) {
            System.gc();
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            while (b.hasRemaining()) {
                b.put((byte) 0x7f);
            }
        }
        try (NDManager junk = m.newSubManager()) {
            for (int i = 0; i < 1000; i++) {
                junk.create(new float[] {1e30f, -1e30f});
            }
        }
    }
}
