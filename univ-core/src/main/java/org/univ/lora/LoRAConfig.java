package org.univ.lora;

import java.util.List;
import java.util.Locale;

/**
 * LoRA hyper-parameters (METHOD §2): rank r, scale alpha (the update is {@code alpha/r · B A}),
 * dropout on the adapter input during training, the module-name suffixes to adapt, and whether
 * convolutions are adapted besides Linear layers.
 */
public final class LoRAConfig {
    public static final List<String> DEFAULT_TARGETS = List.of("qkv", "proj", "fc1", "fc2");

    private final int rank;
    private final float alpha;
    private final float dropout;
    private final List<String> targets;
    private final boolean convolutions;

    private LoRAConfig(Builder b) {
        this.rank = b.rank;
        this.alpha = b.alpha;
        this.dropout = b.dropout;
        this.targets = List.copyOf(b.targets);
        this.convolutions = b.convolutions;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return builder().optRank(rank).optAlpha(alpha).optDropout(dropout).optTargets(targets).optConvolutions(convolutions);
    }

    public int rank() { return rank; }
    public float alpha() { return alpha; }
    public float dropout() { return dropout; }
    public List<String> targets() { return targets; }
    public float scale() { return alpha / rank; }
    /** Whether Conv2d layers with a matching name are adapted too (ConvViT: the authors' setting), or only Linear. */
    public boolean convolutions() { return convolutions; }

    /** True when the dotted module name ends with one of the target suffixes (at a name boundary). */
    public boolean matches(String moduleName) {
        for (String t : targets) {
            if (moduleName.equals(t) || moduleName.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LoRA(r %d, alpha %s, dropout %s, targets %s%s)", rank, alpha, dropout, targets,
                convolutions ? " incl. convolutions" : "");
    }

    /** Defaults: r 8, alpha 32, dropout 0.1, targets qkv/proj/fc1/fc2. */
    public static final class Builder {
        private int rank = 8;
        private float alpha = 32;
        private float dropout = 0.1f;
        private List<String> targets = DEFAULT_TARGETS;
        private boolean convolutions;

        public Builder optRank(int v) { rank = v; return this; }
        public Builder optAlpha(float v) { alpha = v; return this; }
        public Builder optDropout(float v) { dropout = v; return this; }
        public Builder optTargets(List<String> v) { targets = v; return this; }
        /** Also adapt matching convolutions (default false: a ViT's {@code patch_embed.proj} stays frozen). */
        public Builder optConvolutions(boolean v) { convolutions = v; return this; }

        public LoRAConfig build() {
            if (rank <= 0) {
                throw new IllegalArgumentException("LoRA rank must be > 0, got " + rank);
            }
            if (dropout < 0 || dropout >= 1) {
                throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("LoRA needs at least one target suffix");
            }
            return new LoRAConfig(this);
        }
    }
}
