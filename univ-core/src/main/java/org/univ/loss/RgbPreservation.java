package org.univ.loss;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.univ.util.Scopes;

/**
 * The RGB preservation term of the objective (METHOD.md §4): keeps the student's RGB tokens close to the
 * teacher's. Selected by name in configs: {@code pccl} (default), {@code gram}, {@code feature}.
 */
public enum RgbPreservation {
    /** PCCL of the student RGB tokens against the same anchors and pseudo-labels as the IR term. */
    PCCL("pccl") {
        @Override
        public NDArray loss(NDArray teacherTokens, NDArray studentTokens, NDArray targets, float tau) {
            return Pccl.loss(studentTokens, teacherTokens, targets, tau);
        }
    },
    /** MSE between the Gram matrices of L2-normalised teacher and student RGB tokens. */
    GRAM("gram") {
        @Override
        public NDArray loss(NDArray teacherTokens, NDArray studentTokens, NDArray targets, float tau) {
            return gramMse(teacherTokens, studentTokens);
        }
    },
    /** MSE between the raw teacher and student RGB tokens. */
    FEATURE("feature") {
        @Override
        public NDArray loss(NDArray teacherTokens, NDArray studentTokens, NDArray targets, float tau) {
            return featureMse(teacherTokens, studentTokens);
        }
    };

    private final String id;

    RgbPreservation(String id) {
        this.id = id;
    }

    /**
     * The term for one batch; the teacher side is detached.
     *
     * @param teacherTokens teacher RGB patch tokens {@code [B, N, D]}
     * @param studentTokens student RGB patch tokens {@code [B, N, D]}
     * @param targets       pseudo-labels {@code [B, N, N]} (used by {@link #PCCL} only)
     * @param tau           PCCL temperature (used by {@link #PCCL} only)
     * @return scalar loss attached to the student tokens' manager
     */
    public abstract NDArray loss(NDArray teacherTokens, NDArray studentTokens, NDArray targets, float tau);

    /** The config name: {@code pccl}, {@code gram} or {@code feature}. */
    public String id() {
        return id;
    }

    /** Parses a config name (case-insensitive). */
    public static RgbPreservation fromName(String name) {
        for (RgbPreservation v : values()) {
            if (v.id.equals(name == null ? null : name.trim().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown RGB preservation term '" + name + "'; use one of "
                + Arrays.stream(values()).map(RgbPreservation::id).collect(Collectors.joining(", ")));
    }

    /** {@code mean((T̂T̂ᵀ − ŜŜᵀ)²)} over {@code [B, N, N]}, with x̂ as in {@link Pccl#normalize}. */
    public static NDArray gramMse(NDArray teacherTokens, NDArray studentTokens) {
        Pccl.checkTokens(studentTokens, teacherTokens, "student tokens", "teacher tokens");
        return Scopes.keep(() -> {
            NDArray teacher = Pccl.normalize(teacherTokens.stopGradient());
            NDArray student = Pccl.normalize(studentTokens);
            NDArray studentGram = student.matMul(student.transpose(0, 2, 1));   // [B, N, N]
            NDArray teacherGram = teacher.matMul(teacher.transpose(0, 2, 1));   // [B, N, N]
            return studentGram.sub(teacherGram).square().mean();
        });
    }

    /** {@code mean((T − S)²)} over {@code [B, N, D]}. */
    public static NDArray featureMse(NDArray teacherTokens, NDArray studentTokens) {
        Pccl.checkTokens(studentTokens, teacherTokens, "student tokens", "teacher tokens");
        return Scopes.keep(() -> studentTokens.sub(teacherTokens.stopGradient()).square().mean());
    }
}
