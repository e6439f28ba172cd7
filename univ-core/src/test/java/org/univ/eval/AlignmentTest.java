package org.univ.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.univ.Shared;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;
import org.univ.loss.PseudoLabels;

class AlignmentTest {
    private static final float TAU = 0.04f;
    private final Alignment alignment = new Alignment(0.6f, TAU);

    /** rows[i] as token i of one image: {@code [1, N, D]}. */
    private static NDArray tokens(NDManager m, float[][] rows) {
        float[] v = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, v, i * rows[0].length, rows[0].length);
        }
        return m.create(v, new Shape(1, rows.length, rows[0].length));
    }

    private static float[][] identity(int n) {
        float[][] e = new float[n][n];
        for (int i = 0; i < n; i++) {
            e[i][i] = 1f;
        }
        return e;
    }

    /** BCE with logits written out, in double. */
    private static double bce(double z, double y) {
        double p = 1 / (1 + Math.exp(-z));
        return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
    }

    @Test
    void perfectAlignmentOverTwoBatches() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 2×2 grid, token i = e_i in both modalities: cos = δ_ij; the only positive of row i is i itself.
            NDArray t = tokens(m, identity(4));
            NDArray labels = m.eye(4).expandDims(0);
            AlignmentMetrics one = alignment.measureWithTargets(t, labels, t.duplicate(), 2, 2);
            AlignmentMetrics sum = one.plus(alignment.measureWithTargets(t, labels, t.duplicate(), 2, 2));
            // Diagonal z = 25 with label 1 costs ~1e-11; the 12 off-diagonal z = 0 with label 0 cost ln 2 each.
            double pccl = (4 * bce(1 / TAU, 1) + 12 * Math.log(2)) / 16;
            System.out.println("perfect alignment: " + sum.toMap());
            assertEquals(2, sum.images());
            assertEquals(8, sum.rows());
            assertEquals(1.0, sum.top1());
            assertEquals(1.0, sum.neighbourhood3x3());
            assertEquals(1.0, sum.positivesMap(), 1e-7);
            assertEquals(0, sum.rowsWithoutPositives());
            assertEquals(pccl, sum.pccl(), 1e-5);
            assertEquals(1.0, sum.colocatedCosine(), 1e-5);
            assertEquals(0.0, sum.otherCosine(), 1e-7);
            assertEquals(24, sum.otherPairs());
        }
    }

    @Test
    void knownPermutationOnA3x3Grid() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Query i looks exactly like anchor π(i). Grid positions (row, col) = (i / 3, i % 3).
            int[] pi = {4, 2, 1, 5, 8, 3, 6, 7, 0};
            // i: 0→4 diagonal neighbour; 1↔2 side neighbours; 3↔5 two columns apart (miss);
            //    4→8 diagonal neighbour; 8→0 opposite corners (miss); 6, 7 fixed points.
            float[][] q = new float[9][9];
            float[] labels = new float[81];
            for (int i = 0; i < 9; i++) {
                q[i][pi[i]] = 1f;
                labels[i * 9 + pi[i]] = 1f;   // the matching anchor is the one positive: ranked first → AP 1
            }
            NDArray targets = m.create(labels, new Shape(1, 9, 9));
            AlignmentMetrics r = alignment.measureWithTargets(tokens(m, identity(9)), targets, tokens(m, q), 3, 3);
            System.out.println("permutation: " + r.toMap());
            assertEquals(2.0 / 9, r.top1(), 1e-12);
            assertEquals(6.0 / 9, r.neighbourhood3x3(), 1e-12);
            assertEquals(1.0, r.positivesMap(), 1e-7);
            assertEquals(2.0 / 9, r.colocatedCosine(), 1e-5);         // only the fixed points have cos 1
            assertEquals(7.0 / 72, r.otherCosine(), 1e-5);           // the 7 moved rows over 9·8 other pairs
        }
    }

    @Test
    void averagePrecisionByHandAndRowsWithoutPositivesSkipped() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Anchors e_j, so cos(q_i, t_j) = q_i[j] / ‖q_i‖ and each row ranks anchors by q_i's entries.
            float[][] q = {
                {4, 3, 2, 1},   // ranking 0,1,2,3; positives {0, 2} at ranks 1, 3 → AP (1/1 + 2/3) / 2
                {1, 2, 3, 4},   // ranking 3,2,1,0; positive {1} at rank 3 → AP 1/3
                {1, 4, 3, 2},   // no positives → skipped
                {2, 1, 3, 4},   // ranking 3,2,0,1; positive {3} at rank 1 → AP 1
            };
            float[] labels = {
                1, 0, 1, 0,
                0, 1, 0, 0,
                0, 0, 0, 0,
                0, 0, 0, 1,
            };
            AlignmentMetrics r = alignment.measureWithTargets(tokens(m, identity(4)),
                    m.create(labels, new Shape(1, 4, 4)), tokens(m, q), 2, 2);
            System.out.println("hand AP case: " + r.toMap());
            double map = ((1 + 2.0 / 3) / 2 + 1.0 / 3 + 1) / 3;   // 0.7222; counting the empty row as 0 gives 0.5417
            assertEquals(map, r.positivesMap(), 1e-6);
            assertEquals(1, r.rowsWithoutPositives());
            assertEquals(3, r.apRows());
            assertEquals(1.0, r.positivesPerRow(), 1e-12);
            assertEquals(0.5, r.top1(), 1e-12);          // rows 0 and 3 find themselves, rows 1 and 2 do not
            assertEquals(1.0, r.neighbourhood3x3(), 1e-12); // on a 2×2 grid every patch neighbours every other
            double norm = Math.sqrt(30);                 // every row is a permutation of 1..4
            assertEquals((4 + 2 + 3 + 4) / (4 * norm), r.colocatedCosine(), 1e-5);
            assertEquals((4 * 10 - 13) / (12 * norm), r.otherCosine(), 1e-5);
            double pccl = 0;
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    pccl += bce(q[i][j] / norm / TAU, labels[i * 4 + j]);
                }
            }
            assertEquals(pccl / 16, r.pccl(), 1e-5 * pccl / 16);
        }
    }

    @Test
    void emptyMetricsSerialiseWithoutNaN() throws Exception {
        AlignmentMetrics empty = AlignmentMetrics.empty();
        assertTrue(Double.isNaN(empty.positivesMap()));
        Map<String, Object> map = empty.toMap();
        assertNull(map.get("positives_map"));
        String json = new ObjectMapper().writeValueAsString(map);
        assertTrue(json.contains("\"positives_map\":null"), json);
    }

    @Test
    void rejectsMismatchedInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = m.ones(new Shape(1, 4, 8));
            NDArray labels = m.zeros(new Shape(1, 4, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> alignment.measureWithTargets(t, labels, t, 4, 2));
            assertTrue(e.getMessage().contains("grid"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> alignment.measureWithTargets(t, labels, m.ones(new Shape(1, 4, 6)), 2, 2));
            assertThrows(IllegalArgumentException.class,
                    () -> alignment.measureWithTargets(t, m.zeros(new Shape(1, 4, 5)), t, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> new Alignment(0.6f, 0f));
        }
    }

    /** Real teacher tokens: PCCL equals PyTorch's, and the vectorised mAP equals a per-row sort-and-walk. */
    @Test
    void deitTinyTeacherOnIrMatchesReferenceAndNaiveAp() {
        Path file = Shared.require("fixtures/deit_tiny_reference.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict ref = SafeTensors.load(file, m);
            Alignment defaults = new Alignment();
            for (int size : new int[] {112, 224}) {
                int grid = size / 16;
                NDArray rgb = ref.require("tokens_rgb_" + size);
                NDArray ir = ref.require("tokens_ir_" + size);
                NDArray attn = ref.require("attn_last_" + size);
                int before = m.getManagedArrays().size();
                AlignmentMetrics r = defaults.measure(rgb, attn, 1, ir, grid, grid);
                assertEquals(before, m.getManagedArrays().size(), "temporaries must be closed");
                float want = ref.require("pccl_loss_teacher_vs_ir_" + size).getFloat();
                double naiveMap = naivePositivesMap(rgb, ir, PseudoLabels.fromAttention(attn, 1, 0.6f));
                System.out.printf("deit_tiny teacher-on-IR %d px: %s; PCCL rel diff %.2e, mAP vs naive %.2e%n", size,
                        r.toMap(), Math.abs(r.pccl() - want) / want, Math.abs(r.positivesMap() - naiveMap));
                assertEquals(want, r.pccl(), 1e-5 * want);
                assertEquals(naiveMap, r.positivesMap(), 1e-5);
            }
        }
    }

    /** Standard AP per row from host arrays: sort anchors by cosine, walk, average precision at each positive. */
    private static double naivePositivesMap(NDArray anchors, NDArray queries, NDArray targets) {
        int b = (int) anchors.getShape().get(0);
        int n = (int) anchors.getShape().get(1);
        int d = (int) anchors.getShape().get(2);
        float[] t = anchors.toFloatArray();
        float[] q = queries.toFloatArray();
        float[] y = targets.toFloatArray();
        double sum = 0;
        int rows = 0;
        for (int img = 0; img < b; img++) {
            for (int i = 0; i < n; i++) {
                double[] cos = new double[n];
                for (int j = 0; j < n; j++) {
                    cos[j] = cosine(q, (img * n + i) * d, t, (img * n + j) * d, d);
                }
                Integer[] order = new Integer[n];
                Arrays.setAll(order, j -> j);
                Arrays.sort(order, Comparator.comparingDouble(j -> -cos[j]));
                int hits = 0;
                double ap = 0;
                for (int k = 0; k < n; k++) {
                    if (y[(img * n + i) * n + order[k]] == 1f) {
                        hits++;
                        ap += hits / (double) (k + 1);
                    }
                }
                if (hits > 0) {
                    sum += ap / hits;
                    rows++;
                }
            }
        }
        return sum / rows;
    }

    private static double cosine(float[] a, int oa, float[] b, int ob, int d) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < d; k++) {
            dot += a[oa + k] * (double) b[ob + k];
            na += a[oa + k] * (double) a[oa + k];
            nb += b[ob + k] * (double) b[ob + k];
        }
        return dot / Math.sqrt(na * nb);
    }
}
