package org.univ.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.univ.data.Batch;
import org.univ.data.CoAugment;
import org.univ.data.PairIndex;
import org.univ.data.PairLoader;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;

/**
 * Held-out cross-modal alignment of a teacher and a UNIV student (METHOD §7): every pair is resized to
 * S×S (no crop, no flip); the teacher's RGB tokens and attention are the anchors and pseudo-labels; the
 * queries are teacher-on-IR, student-on-IR and student-on-RGB tokens.
 */
public final class AlignmentEvaluation {
    /** Row names of the result, in order. */
    public static final String TEACHER_IR = "teacher-on-IR";
    public static final String STUDENT_IR = "student-on-IR";
    public static final String STUDENT_RGB = "student-on-RGB";

    private AlignmentEvaluation() {}

    /** Plain resize + normalisation, identical for both backbones. */
    public static CoAugment evalTransform(int size) {
        return CoAugment.builder().setSize(size).optCropScale(1, 1).optFlipProbability(0).build();
    }

    public static Map<String, AlignmentMetrics> run(Backbone teacher, Backbone student, PairIndex index, int size,
                                                    int batch, int workers, NDManager manager) {
        Map<String, AlignmentMetrics> acc = new LinkedHashMap<>();
        acc.put(TEACHER_IR, AlignmentMetrics.empty());
        if (student != null) {
            acc.put(STUDENT_IR, AlignmentMetrics.empty());
            acc.put(STUDENT_RGB, AlignmentMetrics.empty());
        }
        Alignment alignment = new Alignment();
        try (PairLoader loader = PairLoader.builder().setIndex(index).setAugment(evalTransform(size))
                .setBatchSize(Math.min(batch, index.size())).optShuffle(false).optDropLast(false)
                .optWorkers(workers).build()) {
            for (int b = 0; b < loader.batchesPerEpoch(); b++) {
                Batch pairs = loader.next();
                try (NDManager sub = manager.newSubManager(); NDScope scope = new NDScope()) {
                    NDList x = pairs.toNDList(sub);
                    BackboneOutput anchors = teacher.forward(x.get(0));
                    acc.merge(TEACHER_IR, alignment.measure(anchors, teacher.forward(x.get(1)).patchTokens()),
                            AlignmentMetrics::plus);
                    if (student != null) {
                        NDArray both = student.forward(x.get(0).concat(x.get(1), 0)).patchTokens();
                        long n = x.get(0).getShape().get(0);
                        acc.merge(STUDENT_RGB, alignment.measure(anchors, both.get("0:" + n)), AlignmentMetrics::plus);
                        acc.merge(STUDENT_IR, alignment.measure(anchors, both.get(n + ":")), AlignmentMetrics::plus);
                    }
                }
            }
        }
        return acc;
    }
}
