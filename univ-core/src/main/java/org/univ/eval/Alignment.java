package org.univ.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.univ.loss.Pccl;
import org.univ.loss.PseudoLabels;
import org.univ.model.BackboneOutput;

/**
 * Label-free cross-modal alignment of patch tokens (METHOD.md §7): how well query patches (IR tokens of the
 * teacher or the student) find their RGB counterparts among the teacher's RGB patch tokens of the same pair.
 *
 * <p>Per batch: the held-out PCCL loss; positives-mAP (rank all anchors of the image by cosine to query i, AP of
 * retrieving the pseudo-label positives of row i, rows without positives skipped); co-located retrieval
 * (top-1 and 3×3-neighbourhood accuracy of the most similar anchor); mean cosine of co-located vs other pairs.
 * Anchors of exactly equal cosine are ranked in the sort's order.
 */
public final class Alignment {
    private final float rho;
    private final float tau;

    /** With the paper's ρ 0.6 and τ 0.04. */
    public Alignment() {
        this(PseudoLabels.DEFAULT_RHO, Pccl.DEFAULT_TAU);
    }

    public Alignment(float rho, float tau) {
        if (!(rho > 0f && rho <= 1f)) {
            throw new IllegalArgumentException("rho must be in (0, 1], got " + rho);
        }
        if (!(tau > 0f && Float.isFinite(tau))) {
            throw new IllegalArgumentException("temperature tau must be finite and > 0, got " + tau);
        }
        this.rho = rho;
        this.tau = tau;
    }

    /** Measures one batch from the teacher's RGB forward output (tokens, attention, grid). */
    public AlignmentMetrics measure(BackboneOutput teacherRgb, NDArray queryTokens) {
        return measure(teacherRgb.patchTokens(), teacherRgb.lastAttention(), teacherRgb.prefixTokens(), queryTokens,
                teacherRgb.gridH(), teacherRgb.gridW());
    }

    /**
     * Measures one batch.
     *
     * @param anchors      teacher RGB patch tokens {@code [B, N, D]}
     * @param attention    teacher last-block attention {@code [B, H, P+N, P+N]}
     * @param prefixTokens P
     * @param queries      query patch tokens {@code [B, N, D]} (e.g. of the IR images)
     * @param gridH        token rows h (N = h·w, row-major)
     * @param gridW        token columns w
     */
    public AlignmentMetrics measure(NDArray anchors, NDArray attention, int prefixTokens, NDArray queries,
                                    int gridH, int gridW) {
        try (NDScope temporaries = new NDScope()) {
            NDArray targets = PseudoLabels.fromAttention(attention, prefixTokens, rho);
            return measureWithTargets(anchors, targets, queries, gridH, gridW);
        }
    }

    /** As {@link #measure} with the pseudo-labels {@code [B, N, N]} already made. */
    public AlignmentMetrics measureWithTargets(NDArray anchors, NDArray targets, NDArray queries, int gridH,
                                               int gridW) {
        Shape s = anchors.getShape();
        if (s.dimension() != 3 || !s.equals(queries.getShape())) {
            throw new IllegalArgumentException("anchors " + s + " and queries " + queries.getShape()
                    + " must both be tokens [B, N, D] of the same shape");
        }
        int b = (int) s.get(0);
        int n = (int) s.get(1);
        if (gridH <= 0 || gridW <= 0 || (long) gridH * gridW != n) {
            throw new IllegalArgumentException("grid " + gridH + "x" + gridW + " does not hold the " + n
                    + " patch tokens of " + s);
        }
        if (!targets.getShape().equals(new Shape(b, n, n))) {
            throw new IllegalArgumentException("targets must be [B, N, N] = [" + b + ", " + n + ", " + n + "], got "
                    + targets.getShape());
        }
        try (NDScope temporaries = new NDScope()) {
            NDArray q = queries.stopGradient().toType(DataType.FLOAT32, false);
            NDArray t = anchors.stopGradient().toType(DataType.FLOAT32, false);
            NDArray labels = targets.stopGradient().toType(DataType.FLOAT32, false);   // [B, N, N]
            NDArray cosine = Pccl.cosine(q, t);                                         // [B, N, N]
            double pccl = Pccl.bceWithLogits(cosine.div(tau), labels).getFloat();

            // Positives-mAP: labels in each row's ranking order; precision@k at every positive's rank k.
            NDManager m = cosine.getManager();
            NDArray ranking = cosine.argSort(-1, false);                                // [B, N, N] anchor ids
            NDArray rankedLabels = labels.gather(ranking, -1);                          // [B, N, N]
            NDArray rank = m.arange(1f, n + 1f);                                        // [N]
            NDArray precisionAtRank = rankedLabels.cumSum(-1).div(rank);                // [B, N, N]
            NDArray positivesPerRow = labels.sum(new int[] {-1});                       // [B, N]
            NDArray hasPositives = positivesPerRow.gt(0f).toType(DataType.FLOAT32, false);
            NDArray averagePrecision = precisionAtRank.mul(rankedLabels).sum(new int[] {-1})
                    .div(positivesPerRow.maximum(1f));                                  // [B, N], 0 if no positives
            double apSum = averagePrecision.mul(hasPositives).sum().getFloat();
            long apRows = (long) hasPositives.sum().getFloat();
            double positives = positivesPerRow.sum().getFloat();

            // Co-located pairs are the diagonal.
            NDArray diagonal = cosine.mul(m.eye(n)).sum(new int[] {-1});               // [B, N]
            double colocatedSum = diagonal.sum().getFloat();
            double otherSum = cosine.sum().getFloat() - colocatedSum;

            long[] nearest = cosine.argMax(-1).toLongArray();                           // [B·N] anchor id per row
            long top1 = 0;
            long neighbourhood = 0;
            for (int r = 0; r < nearest.length; r++) {
                int i = r % n;
                int j = (int) nearest[r];
                if (j == i) {
                    top1++;
                }
                if (Math.abs(i / gridW - j / gridW) <= 1 && Math.abs(i % gridW - j % gridW) <= 1) {
                    neighbourhood++;
                }
            }
            return new AlignmentMetrics(b, pccl * b, (long) b * n, apRows, apSum, positives, top1, neighbourhood,
                    colocatedSum, otherSum, (long) b * n * (n - 1));
        }
    }

    public float rho() {
        return rho;
    }

    public float tau() {
        return tau;
    }
}
