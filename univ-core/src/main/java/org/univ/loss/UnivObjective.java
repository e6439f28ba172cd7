package org.univ.loss;

import org.univ.util.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;
import org.univ.model.BackboneOutput;
import org.univ.util.Scopes;

/**
 * The pre-training objective (METHOD.md §4): {@code L = α · PCCL(student IR tokens) + β · L_rgb}, both terms
 * against the frozen teacher's RGB tokens and the pseudo-labels of the teacher's attention.
 *
 * <p>Call it inside the trainer's {@code GradientCollector} and back-propagate {@link Terms#total()}; the teacher
 * side is detached, so only the student's trainable parameters receive gradients.
 */
public final class UnivObjective {
    private final float alpha;
    private final float beta;
    private final RgbPreservation rgbPreservation;
    private final float rho;
    private final float tau;
    private final float gamma;
    private final float blockWeight;

    private UnivObjective(Builder b) {
        this.alpha = b.alpha;
        this.beta = b.beta;
        this.rgbPreservation = b.rgbPreservation;
        this.rho = b.rho;
        this.tau = b.tau;
        this.gamma = b.gamma;
        this.blockWeight = b.blockWeight;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The loss terms of one batch; the losses live in the student tokens' manager, the targets in the attention's
     * (temporaries are released).
     *
     * @param irPccl   PCCL of the student IR tokens, scalar
     * @param rgbTerm  the RGB preservation term (with δ · its intermediate-block part when blocks are given), scalar
     * @param total    {@code α · irPccl + β · rgbTerm (+ γ · colocated)}, scalar: what to back-propagate
     * @param targets  the pseudo-labels used {@code [B, N, N]} (for logging, e.g. positives per row)
     */
    public record Terms(NDArray irPccl, NDArray rgbTerm, NDArray total, NDArray targets) {
    }

    /**
     * Computes the objective.
     *
     * @param teacherRgbTokens  teacher final-norm RGB patch tokens {@code [B, N, D]}
     * @param teacherAttention  teacher last-block attention {@code [B, H, P+N, P+N]}
     * @param prefixTokens      P (1 with a CLS token, 0 without)
     * @param studentIrTokens   student patch tokens of the IR images {@code [B, N, D]}
     * @param studentRgbTokens  student patch tokens of the RGB images {@code [B, N, D]}
     */
    public Terms compute(NDArray teacherRgbTokens, NDArray teacherAttention, int prefixTokens,
                         NDArray studentIrTokens, NDArray studentRgbTokens) {
        return compute(teacherRgbTokens, teacherAttention, prefixTokens, studentIrTokens, studentRgbTokens,
                List.of(), List.of());
    }

    /**
     * As above, with RGB preservation on intermediate blocks too (not in the paper; an experiment of issue #7): the
     * RGB term gains {@code δ · mean_l blockMse(teacher_l, student_l)} over the tapped blocks l.
     *
     * @param teacherBlockTokens    the teacher's RGB patch tokens after each tapped block {@code [B, N, D]}
     * @param studentRgbBlockTokens the student's RGB patch tokens after the same blocks, same order
     */
    public Terms compute(NDArray teacherRgbTokens, NDArray teacherAttention, int prefixTokens,
                         NDArray studentIrTokens, NDArray studentRgbTokens,
                         List<NDArray> teacherBlockTokens, List<NDArray> studentRgbBlockTokens) {
        NDList terms = Scopes.keepAll(() -> {
            NDArray targets = targets(teacherRgbTokens, teacherAttention, prefixTokens);
            Part ir = irPart(teacherRgbTokens, targets, studentIrTokens);
            Part rgb = rgbPart(teacherRgbTokens, targets, studentRgbTokens, teacherBlockTokens, studentRgbBlockTokens);
            return new NDList(ir.term(), rgb.term(), ir.weighted().add(rgb.weighted()), targets);
        });
        return new Terms(terms.get(0), terms.get(1), terms.get(2), terms.get(3));
    }

    /**
     * One modality's share of the objective: {@code term} as reported (IR PCCL, or the RGB term) and {@code weighted},
     * its contribution to {@link Terms#total()}. The total is the sum of the two parts, so a trainer may run and
     * back-propagate the IR and the RGB student passes one after the other (half the activation memory).
     */
    public record Part(NDArray term, NDArray weighted) {
    }

    /** The pseudo-labels of the teacher's attention {@code [B, N, N]} (METHOD §3), checked against its tokens. */
    public NDArray targets(NDArray teacherRgbTokens, NDArray teacherAttention, int prefixTokens) {
        long n = teacherRgbTokens.getShape().get(1);
        long attended = teacherAttention.getShape().get(teacherAttention.getShape().dimension() - 1);
        if (attended != n + prefixTokens) {
            throw new IllegalArgumentException("teacher attention " + teacherAttention.getShape() + " does not match "
                    + n + " patch tokens + " + prefixTokens + " prefix tokens (tokens " + teacherRgbTokens.getShape()
                    + "): pass the attention and tokens of the same teacher forward");
        }
        return PseudoLabels.fromAttention(teacherAttention, prefixTokens, rho);
    }

    /** The IR part: {@code α · PCCL(student IR tokens) (+ γ · colocated)}, term = the PCCL. */
    public Part irPart(NDArray teacherRgbTokens, NDArray targets, NDArray studentIrTokens) {
        Pccl.checkTokens(studentIrTokens, teacherRgbTokens, "student IR tokens", "teacher RGB tokens");
        NDList part = Scopes.keepAll(() -> {
            NDArray irPccl = Pccl.loss(studentIrTokens, teacherRgbTokens, targets, tau);
            NDArray weighted = Tensors.mul(irPccl, alpha);
            if (gamma != 0f) {
                weighted = weighted.add(Tensors.mul(colocated(studentIrTokens, teacherRgbTokens), gamma));
            }
            return new NDList(irPccl, weighted);
        });
        return new Part(part.get(0), part.get(1));
    }

    /** The RGB part: {@code β · L_rgb} (with δ · the intermediate-block term when blocks are given), term = L_rgb. */
    public Part rgbPart(NDArray teacherRgbTokens, NDArray targets, NDArray studentRgbTokens,
                        List<NDArray> teacherBlockTokens, List<NDArray> studentRgbBlockTokens) {
        if (teacherBlockTokens.size() != studentRgbBlockTokens.size()) {
            throw new IllegalArgumentException(teacherBlockTokens.size() + " teacher block outputs but "
                    + studentRgbBlockTokens.size() + " student ones: tap the same blocks of both");
        }
        Pccl.checkTokens(studentRgbTokens, teacherRgbTokens, "student RGB tokens", "teacher RGB tokens");
        NDList part = Scopes.keepAll(() -> {
            NDArray rgbTerm = rgbPreservation.loss(teacherRgbTokens, studentRgbTokens, targets, tau);
            if (blockWeight != 0f && !teacherBlockTokens.isEmpty()) {
                NDArray blocks = null;
                for (int l = 0; l < teacherBlockTokens.size(); l++) {
                    NDArray term = blockMse(teacherBlockTokens.get(l), studentRgbBlockTokens.get(l));
                    blocks = blocks == null ? term : blocks.add(term);
                }
                rgbTerm = rgbTerm.add(Tensors.mul(blocks, blockWeight / teacherBlockTokens.size()));
            }
            return new NDList(rgbTerm, Tensors.mul(rgbTerm, beta));
        });
        return new Part(part.get(0), part.get(1));
    }

    /** {@link #compute} from the teacher's RGB forward output. */
    public Terms compute(BackboneOutput teacherRgb, NDArray studentIrTokens, NDArray studentRgbTokens) {
        return compute(teacherRgb.patchTokens(), teacherRgb.lastAttention(), teacherRgb.prefixTokens(),
                studentIrTokens, studentRgbTokens);
    }

    /** As above with the intermediate-block RGB term over the teacher output's {@link BackboneOutput#blockTokens()}. */
    public Terms compute(BackboneOutput teacherRgb, NDArray studentIrTokens, NDArray studentRgbTokens,
                         List<NDArray> studentRgbBlockTokens) {
        return compute(teacherRgb.patchTokens(), teacherRgb.lastAttention(), teacherRgb.prefixTokens(),
                studentIrTokens, studentRgbTokens, teacherRgb.blockTokens(), studentRgbBlockTokens);
    }

    /**
     * RGB preservation on one intermediate block: {@code mean((S − T)²) / mean(T²)}, the squared error relative to
     * the teacher's energy, because the residual stream grows with depth (raw MSE would let the deepest tap rule).
     */
    public static NDArray blockMse(NDArray teacherBlockTokens, NDArray studentBlockTokens) {
        Pccl.checkTokens(studentBlockTokens, teacherBlockTokens, "student block tokens", "teacher block tokens");
        NDArray teacher = teacherBlockTokens.stopGradient();
        return studentBlockTokens.sub(teacher).square().mean().div(teacher.square().mean());
    }

    /** Weight δ of the intermediate-block RGB term (0 = off). */
    public float blockWeight() {
        return blockWeight;
    }

    /**
     * Co-located cross-modal distillation (not in the paper; an experiment of issue #7): mean squared error between
     * the student's IR token and the teacher's RGB token of the same patch, {@code mean((Q − T)²)}. PCCL only asks
     * an IR patch to resemble the RGB patches the teacher's attention groups with it (≈ a quarter of the image),
     * which loses where the patch is; this term pins each IR token to its own location's RGB feature.
     */
    public static NDArray colocated(NDArray studentIrTokens, NDArray teacherRgbTokens) {
        return studentIrTokens.sub(teacherRgbTokens.stopGradient()).square().mean();
    }

    /** Weight γ of {@link #colocated} (0 = the paper's objective). */
    public float gamma() {
        return gamma;
    }

    public float alpha() {
        return alpha;
    }

    public float beta() {
        return beta;
    }

    public RgbPreservation rgbPreservation() {
        return rgbPreservation;
    }

    public float rho() {
        return rho;
    }

    public float tau() {
        return tau;
    }

    @Override
    public String toString() {
        return "UnivObjective[alpha=" + alpha + ", beta=" + beta + ", rgb=" + rgbPreservation.id() + ", rho=" + rho
                + ", tau=" + tau + (gamma != 0f ? ", gamma=" + gamma : "")
                + (blockWeight != 0f ? ", blockWeight=" + blockWeight : "") + "]";
    }

    /** Builder; every setting is optional and defaults to the paper's (α = β = 1, pccl, ρ 0.6, τ 0.04). */
    public static final class Builder {
        private float alpha = 1f;
        private float beta = 1f;
        private RgbPreservation rgbPreservation = RgbPreservation.PCCL;
        private float rho = PseudoLabels.DEFAULT_RHO;
        private float tau = Pccl.DEFAULT_TAU;
        private float gamma = 0f;
        private float blockWeight = 0f;

        private Builder() {}

        /** Weight δ of RGB preservation on the tapped intermediate blocks (default 0: off, the paper's objective). */
        public Builder optBlockWeight(float blockWeight) {
            if (!Float.isFinite(blockWeight) || blockWeight < 0) {
                throw new IllegalArgumentException("block weight must be finite and >= 0, got " + blockWeight);
            }
            this.blockWeight = blockWeight;
            return this;
        }

        /** Weight of the co-located IR→RGB distillation term (default 0: off, the paper's objective). */
        public Builder optGamma(float gamma) {
            if (!Float.isFinite(gamma) || gamma < 0) {
                throw new IllegalArgumentException("gamma must be finite and >= 0, got " + gamma);
            }
            this.gamma = gamma;
            return this;
        }

        public Builder optAlpha(float alpha) {
            this.alpha = alpha;
            return this;
        }

        public Builder optBeta(float beta) {
            this.beta = beta;
            return this;
        }

        public Builder optRgbPreservation(RgbPreservation rgbPreservation) {
            this.rgbPreservation = rgbPreservation;
            return this;
        }

        /** By config name: {@code pccl}, {@code gram} or {@code feature}. */
        public Builder optRgbPreservation(String name) {
            return optRgbPreservation(RgbPreservation.fromName(name));
        }

        public Builder optRho(float rho) {
            this.rho = rho;
            return this;
        }

        public Builder optTau(float tau) {
            this.tau = tau;
            return this;
        }

        public UnivObjective build() {
            if (!(Float.isFinite(alpha) && alpha >= 0f) || !(Float.isFinite(beta) && beta >= 0f)) {
                throw new IllegalArgumentException("loss weights alpha and beta must be finite and >= 0, got alpha="
                        + alpha + ", beta=" + beta);
            }
            if (rgbPreservation == null) {
                throw new IllegalArgumentException("rgbPreservation must not be null (pccl, gram or feature)");
            }
            if (!(rho > 0f && rho <= 1f)) {
                throw new IllegalArgumentException("rho must be in (0, 1], got " + rho);
            }
            if (!(tau > 0f && Float.isFinite(tau))) {
                throw new IllegalArgumentException("temperature tau must be finite and > 0, got " + tau);
            }
            return new UnivObjective(this);
        }
    }
}
