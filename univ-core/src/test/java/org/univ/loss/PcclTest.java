package org.univ.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;
import org.univ.Shared;
import org.univ.TestModels;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;

class PcclTest {

    /** Loss value and gradient w.r.t. the student, with the teacher also asking for gradients (it must get none). */
    static NDArray[] lossAndGradient(NDArray student, NDArray teacher, BinaryOperator<NDArray> loss) {
        student.setRequiresGradient(true);
        teacher.setRequiresGradient(true);
        NDArray value;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            value = loss.apply(student, teacher);
            gc.backward(value);
        }
        return new NDArray[] {value, student.getGradient(), teacher.getGradient()};
    }

    static float relativeDiff(NDArray got, NDArray want) {
        float w = want.getFloat();
        return Math.abs(got.getFloat() - w) / Math.abs(w);
    }

    @Test
    void matchesPyTorchLossAndGradient() {
        Path file = Shared.require("fixtures/pccl_reference.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict ref = SafeTensors.load(file, m);
            float tau = Float.parseFloat(ref.metadata().get("temperature"));
            assertEquals(Pccl.NORM_EPS, Float.parseFloat(ref.metadata().get("eps")));
            NDArray targets = ref.require("target_with_cls");
            NDArray[] r = lossAndGradient(ref.require("student"), ref.require("teacher"),
                    (s, t) -> Pccl.loss(s, t, targets, tau));
            float lossDiff = relativeDiff(r[0], ref.require("loss"));
            float gradDiff = TestModels.maxAbsDiff(r[1], ref.require("grad_student"));
            System.out.printf("PCCL reference: loss %.7f (torch %.7f, rel diff %.2e), grad max-abs diff %.2e%n",
                    r[0].getFloat(), ref.require("loss").getFloat(), lossDiff, gradDiff);
            assertEquals(new Shape(), r[0].getShape());
            assertTrue(lossDiff <= 1e-5f, "loss rel diff " + lossDiff);
            assertTrue(gradDiff <= 1e-4f, "grad max-abs diff " + gradDiff);
            assertEquals(0f, r[2].abs().max().getFloat(), "anchors must receive no gradient");
        }
    }

    @Test
    void matchesDeitTinyTeacherIrVersusRgb() {
        Path file = Shared.require("fixtures/deit_tiny_reference.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict ref = SafeTensors.load(file, m);
            for (int size : new int[] {112, 224}) {
                NDArray targets = PseudoLabels.fromAttention(ref.require("attn_last_" + size), 1,
                        PseudoLabels.DEFAULT_RHO);
                NDArray loss = Pccl.loss(ref.require("tokens_ir_" + size), ref.require("tokens_rgb_" + size), targets,
                        Pccl.DEFAULT_TAU);
                NDArray want = ref.require("pccl_loss_teacher_vs_ir_" + size);
                float diff = relativeDiff(loss, want);
                System.out.printf("deit_tiny %d px PCCL(IR vs RGB): %.6f (torch %.6f, rel diff %.2e)%n", size,
                        loss.getFloat(), want.getFloat(), diff);
                assertTrue(diff <= 1e-5f, "rel diff " + diff);
            }
        }
    }

    @Test
    void stableBceAgreesWithTheTextbookFormAndStaysFiniteForLargeLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = {-3f, -0.5f, 0f, 0.7f, 4f};
            float[] y = {1f, 0f, 1f, 1f, 0f};
            double want = 0;
            for (int i = 0; i < z.length; i++) {
                double p = 1 / (1 + Math.exp(-z[i]));
                want -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
            }
            want /= z.length;
            float got = Pccl.bceWithLogits(m.create(z), m.create(y)).getFloat();
            System.out.printf("BCE hand case: %.7f (double-precision textbook %.7f)%n", got, want);
            assertEquals(want, got, 1e-6);
            // z = ±200: the naive form overflows; the stable one gives 200 for the wrong label and 0 for the right.
            float big = Pccl.bceWithLogits(m.create(new float[] {200f, -200f}), m.create(new float[] {0f, 0f}))
                    .getFloat();
            assertEquals(100f, big, 1e-4f);
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.ones(new Shape(2, 4, 8));
            NDArray targets = m.zeros(new Shape(2, 4, 4));
            assertThrows(IllegalArgumentException.class,
                    () -> Pccl.loss(q, m.ones(new Shape(2, 5, 8)), targets, 0.04f));
            assertThrows(IllegalArgumentException.class,
                    () -> Pccl.loss(q, q, m.zeros(new Shape(2, 4, 5)), 0.04f));
            assertThrows(IllegalArgumentException.class, () -> Pccl.loss(q, q, targets, 0f));
            assertThrows(IllegalArgumentException.class, () -> Pccl.loss(q.get(0), q.get(0), targets, 0.04f));
        }
    }
}
