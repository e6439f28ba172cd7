package org.univ.loss;

import org.univ.util.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.univ.util.Scopes;

/**
 * Patch cross-modal contrastive loss (METHOD.md §3.2-3): binary cross-entropy between the cosine logits of
 * every query patch against every anchor patch and the pseudo-labels. Gradients reach the queries only.
 */
public final class Pccl {
    /** Default temperature τ. */
    public static final float DEFAULT_TAU = 0.04f;
    /** Added to the L2 norm before dividing, as the reference does. */
    public static final float NORM_EPS = 1e-6f;

    private Pccl() {}

    /**
     * The PCCL loss.
     *
     * @param queries tokens that learn {@code [B, N, D]} (student IR or RGB patch tokens)
     * @param anchors constant teacher RGB patch tokens {@code [B, N, D]}; detached here
     * @param targets pseudo-labels {@code [B, N, N]} from {@link PseudoLabels#fromAttention}
     * @param tau     temperature, &gt; 0
     * @return scalar loss, mean over all B·N·N entries, attached to the queries' manager
     */
    public static NDArray loss(NDArray queries, NDArray anchors, NDArray targets, float tau) {
        checkTokens(queries, anchors, "queries", "anchors");
        checkTargets(targets, queries.getShape());
        return Scopes.keep(() -> bceWithLogits(logits(queries, anchors.stopGradient(), tau), targets.stopGradient()));
    }

    /** Cosine logits {@code z[b,i,j] = ⟨q̂_i, t̂_j⟩ / τ}, {@code [B, N, N]}; differentiable in both inputs. */
    public static NDArray logits(NDArray queries, NDArray anchors, float tau) {
        if (!(tau > 0f)) {
            throw new IllegalArgumentException("temperature tau must be > 0, got " + tau);
        }
        return Tensors.div(cosine(queries, anchors), tau);
    }

    /** Cosine similarities of every query with every anchor, {@code [B, N, M]}. */
    public static NDArray cosine(NDArray queries, NDArray anchors) {
        return normalize(queries).matMul(normalize(anchors).transpose(0, 2, 1));
    }

    /** {@code x / (‖x‖₂ + 1e-6)} over the last axis. */
    public static NDArray normalize(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true).add(NORM_EPS));
    }

    /**
     * Mean binary cross-entropy with logits in the stable form {@code max(z,0) − z·y + log(1 + e^{−|z|})}.
     *
     * @param logits  z, any shape
     * @param targets y in [0, 1], same shape
     */
    public static NDArray bceWithLogits(NDArray logits, NDArray targets) {
        if (!logits.getShape().equals(targets.getShape())) {
            throw new IllegalArgumentException("logits " + logits.getShape() + " and targets " + targets.getShape()
                    + " must have the same shape");
        }
        NDArray softplusOfNegAbs = logits.abs().neg().exp().add(1f).log();
        return Tensors.maximum(logits, 0).sub(logits.mul(targets)).add(softplusOfNegAbs).mean();
    }

    static void checkTokens(NDArray a, NDArray b, String nameA, String nameB) {
        Shape sa = a.getShape();
        if (sa.dimension() != 3) {
            throw new IllegalArgumentException(nameA + " must be tokens [B, N, D], got " + sa);
        }
        if (!sa.equals(b.getShape())) {
            throw new IllegalArgumentException(nameA + " " + sa + " and " + nameB + " " + b.getShape()
                    + " must have the same shape [B, N, D]");
        }
    }

    static void checkTargets(NDArray targets, Shape tokens) {
        Shape expected = new Shape(tokens.get(0), tokens.get(1), tokens.get(1));
        if (!targets.getShape().equals(expected)) {
            throw new IllegalArgumentException("targets must be [B, N, N] = " + expected + " for tokens " + tokens
                    + ", got " + targets.getShape() + " (same batch and patch grid as the tokens?)");
        }
    }
}
