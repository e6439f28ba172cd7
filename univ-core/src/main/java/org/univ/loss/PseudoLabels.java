package org.univ.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.univ.util.Scopes;

/**
 * PCCL pseudo-labels (METHOD.md §3.1): which RGB patches each patch should be pulled towards, read off the
 * teacher's last-block attention by a cumulative-mass threshold.
 */
public final class PseudoLabels {
    /** Default cumulative attention mass ρ. */
    public static final float DEFAULT_RHO = 0.6f;

    private PseudoLabels() {}

    /**
     * Turns attention into 0/1 targets.
     *
     * <p>Head-mean; prefix (CLS) rows and columns dropped and rows renormalised to sum 1; per row the keys sorted
     * by weight descending get label 1 while the cumulative mass including the key is ≤ ρ, 0 from the first key
     * that exceeds it (so a row whose largest weight alone exceeds ρ has no positive). Keys of exactly equal
     * weight straddling the threshold are ordered as the sort returns them. A row that puts all its mass on the
     * prefix cannot be renormalised and gets no positive. No gradient flows through.
     *
     * @param attention    softmax attention {@code [B, H, P+N, P+N]}, prefix tokens first
     * @param prefixTokens P, the number of leading non-patch tokens (1 for a CLS ViT, 0 for ConvViT)
     * @param rho          cumulative mass threshold in (0, 1]
     * @return targets {@code [B, N, N]} float32 0/1, row i = query patch, column j = key patch;
     *     attached to the attention's manager
     */
    public static NDArray fromAttention(NDArray attention, int prefixTokens, float rho) {
        Shape s = attention.getShape();
        if (s.dimension() != 4 || s.get(2) != s.get(3)) {
            throw new IllegalArgumentException("attention must be [B, H, T, T], got " + s);
        }
        if (prefixTokens < 0 || prefixTokens >= s.get(2)) {
            throw new IllegalArgumentException("prefixTokens " + prefixTokens + " must be in [0, " + s.get(2)
                    + ") for attention " + s);
        }
        if (!(rho > 0f && rho <= 1f)) {
            throw new IllegalArgumentException("rho must be in (0, 1], got " + rho);
        }
        return Scopes.keep(() -> {
            NDArray meanAttention = attention.stopGradient().toType(DataType.FLOAT32, false)
                    .mean(new int[] {1});                                                 // [B, T, T]
            if (prefixTokens > 0) {
                String patches = prefixTokens + ":";
                meanAttention = meanAttention.get(":, " + patches + ", " + patches);       // [B, N, N]
                meanAttention = meanAttention.div(meanAttention.sum(new int[] {-1}, true));
            }
            NDArray order = meanAttention.argSort(-1, false);                          // [B, N, N] key ids
            NDArray cumulativeMass = meanAttention.gather(order, -1).cumSum(-1);      // [B, N, N] sorted
            NDArray sortedLabels = cumulativeMass.lte(rho).toType(DataType.FLOAT32, false);
            // Put each sorted label back at its key's column.
            return meanAttention.zerosLike().scatter(order, sortedLabels, -1);
        });
    }
}
