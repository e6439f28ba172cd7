package org.univ.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.univ.Shared;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;

class PseudoLabelsTest {

    /** Two identical heads over 4 patch tokens; powers of two keep every sum exact. */
    private static NDArray twoHeads(NDManager m, float[][] rows) {
        int t = rows.length;
        float[] v = new float[2 * t * t];
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < t; i++) {
                System.arraycopy(rows[i], 0, v, (h * t + i) * t, t);
            }
        }
        return m.create(v, new Shape(1, 2, t, t));
    }

    @Test
    void cumulativeMassIncludesTheKeyAndStopsAtTheFirstExcess() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray attn = twoHeads(m, new float[][] {
                {0.125f, 0.5f, 0.125f, 0.25f},   // sorted 0.5, 0.25 → cum 0.75 == ρ is still a positive
                {0.8125f, 0.0625f, 0.0625f, 0.0625f}, // largest weight alone exceeds ρ → no positive
                {0.25f, 0.25f, 0.25f, 0.25f},     // three keys reach 0.75 exactly, the fourth exceeds
                {0.0625f, 0.0625f, 0.375f, 0.5f}, // 0.5, then 0.875 > ρ
            });
            float[] got = PseudoLabels.fromAttention(attn, 0, 0.75f).toFloatArray();
            assertArrayEquals(new float[] {0, 1, 0, 1}, slice(got, 0), "row 0");
            assertArrayEquals(new float[] {0, 0, 0, 0}, slice(got, 1), "row 1");
            // Which of the tied keys drops out is the sort's choice; exactly three must stay.
            assertEquals(3f, sum(slice(got, 2)), "row 2 keeps exactly three of four tied keys");
            assertArrayEquals(new float[] {0, 0, 0, 1}, slice(got, 3), "row 3");
        }
    }

    @Test
    void prefixRowsAndColumnsAreDroppedAndRowsRenormalised() {
        try (NDManager m = NDManager.newBaseManager()) {
            // CLS first; patch part of each row sums to 0.5 and doubles to 0.5, 0.25, 0.125, 0.125 after renormalising.
            NDArray attn = twoHeads(m, new float[][] {
                {0.9f, 0.025f, 0.025f, 0.025f, 0.025f},
                {0.5f, 0.25f, 0.125f, 0.0625f, 0.0625f},
                {0.5f, 0.0625f, 0.25f, 0.125f, 0.0625f},
                {0.5f, 0.0625f, 0.0625f, 0.125f, 0.25f},
                {0.5f, 0.125f, 0.0625f, 0.0625f, 0.25f},
            });
            NDArray targets = PseudoLabels.fromAttention(attn, 1, 0.75f);
            assertEquals(new Shape(1, 4, 4), targets.getShape());
            assertEquals(DataType.FLOAT32, targets.getDataType());
            // Without renormalising, the rows would keep 0.25+0.125+0.0625+0.0625 = 0.5 ≤ 0.75: all four keys.
            assertArrayEquals(new float[] {
                1, 1, 0, 0,
                0, 1, 1, 0,
                0, 0, 1, 1,
                1, 0, 0, 1,
            }, targets.toFloatArray());

            // A patch row attending only to CLS has no patch mass to renormalise: no positives, not NaN labels.
            NDArray onlyCls = twoHeads(m, new float[][] {{1, 0, 0}, {1, 0, 0}, {0.5f, 0.3125f, 0.1875f}});
            assertArrayEquals(new float[] {0, 0, 1, 0}, PseudoLabels.fromAttention(onlyCls, 1, 0.75f).toFloatArray());
        }
    }

    @Test
    void matchesPyTorchReference() {
        Path file = Shared.require("fixtures/pccl_reference.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict ref = SafeTensors.load(file, m);
            float rho = Float.parseFloat(ref.metadata().get("threshold"));
            assertExact(ref.require("target_with_cls"),
                    PseudoLabels.fromAttention(ref.require("attn_with_cls"), 1, rho), "pccl_reference with CLS");
            assertExact(ref.require("target_no_cls"), PseudoLabels.fromAttention(ref.require("attn_no_cls"), 0, rho),
                    "pccl_reference without CLS");
        }
    }

    @Test
    void matchesDeitTinyReference() {
        Path file = Shared.require("fixtures/deit_tiny_reference.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict ref = SafeTensors.load(file, m);
            for (int size : new int[] {112, 224}) {
                NDArray targets = PseudoLabels.fromAttention(ref.require("attn_last_" + size), 1,
                        PseudoLabels.DEFAULT_RHO);
                assertExact(ref.require("pccl_target_" + size), targets, "deit_tiny " + size + " px");
                System.out.printf("deit_tiny %d px: %.2f positives per row%n", size,
                        targets.sum().getFloat() / (targets.getShape().get(0) * targets.getShape().get(1)));
            }
        }
    }

    @Test
    void rejectsBadInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray attn = m.ones(new Shape(1, 2, 5, 5)).div(5f);
            assertThrows(IllegalArgumentException.class, () -> PseudoLabels.fromAttention(attn.get(0), 0, 0.6f));
            assertThrows(IllegalArgumentException.class, () -> PseudoLabels.fromAttention(attn, 5, 0.6f));
            assertThrows(IllegalArgumentException.class, () -> PseudoLabels.fromAttention(attn, -1, 0.6f));
            assertThrows(IllegalArgumentException.class, () -> PseudoLabels.fromAttention(attn, 1, 0f));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PseudoLabels.fromAttention(attn, 1, Float.NaN));
            assertTrue(e.getMessage().contains("rho"), e.getMessage());
        }
    }

    private static void assertExact(NDArray want, NDArray got, String what) {
        assertEquals(want.getShape(), got.getShape(), what);
        float mismatches = want.neq(got).sum().toType(DataType.FLOAT32, false).getFloat();
        System.out.printf("%s: %d of %d labels differ (%d positives)%n", what, (int) mismatches, want.size(),
                (int) want.sum().getFloat());
        assertEquals(0f, mismatches, what + ": labels differ from PyTorch");
    }

    private static float[] slice(float[] v, int row) {
        float[] r = new float[4];
        System.arraycopy(v, row * 4, r, 0, 4);
        return r;
    }

    private static float sum(float[] v) {
        float s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
