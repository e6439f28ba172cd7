package org.univ.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.univ.Shared;
import org.univ.TestModels;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;
import org.univ.model.BackboneOutput;

class UnivObjectiveTest {

    /** Student IR and RGB tokens are the same tensor, so its gradient is α·∂PCCL + β·∂Gram from the fixture. */
    @Test
    void termsTotalAndGradientMatchPyTorchWithWeights() {
        Path file = Shared.require("fixtures/pccl_reference.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict ref = SafeTensors.load(file, m);
            float alpha = 0.5f;
            float beta = 2f;
            UnivObjective objective = UnivObjective.builder().optAlpha(alpha).optBeta(beta)
                    .optRgbPreservation("gram")
                    .optRho(Float.parseFloat(ref.metadata().get("threshold")))
                    .optTau(Float.parseFloat(ref.metadata().get("temperature"))).build();
            NDArray student = ref.require("student");
            NDArray teacher = ref.require("teacher");
            NDArray attention = ref.require("attn_with_cls");
            student.setRequiresGradient(true);
            int before = m.getManagedArrays().size();
            UnivObjective.Terms terms;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                terms = objective.compute(teacher, attention, 1, student, student);
                assertEquals(before + 4, m.getManagedArrays().size(), "only the four results may stay alive");
                gc.backward(terms.total());
            }
            float irDiff = PcclTest.relativeDiff(terms.irPccl(), ref.require("loss"));
            float rgbDiff = PcclTest.relativeDiff(terms.rgbTerm(), ref.require("gram_mse"));
            float wantTotal = alpha * ref.require("loss").getFloat() + beta * ref.require("gram_mse").getFloat();
            NDArray wantGrad = ref.require("grad_student").mul(alpha)
                    .add(ref.require("grad_student_gram_mse").mul(beta));
            float gradDiff = TestModels.maxAbsDiff(student.getGradient(), wantGrad);
            System.out.printf("objective: IR PCCL rel diff %.2e, gram rel diff %.2e, total %.6f (want %.6f),"
                    + " grad max-abs diff %.2e%n", irDiff, rgbDiff, terms.total().getFloat(), wantTotal, gradDiff);
            assertTrue(irDiff <= 1e-5f && rgbDiff <= 1e-5f);
            assertEquals(wantTotal, terms.total().getFloat(), 1e-5f * wantTotal);
            assertTrue(gradDiff <= 1e-4f, "grad max-abs diff " + gradDiff);
            assertEquals(0f, TestModels.maxAbsDiff(terms.targets(), ref.require("target_with_cls")));
        }
    }

    @Test
    void defaultsAreThePapersAndStepZeroStudentHasEqualTerms() {
        UnivObjective objective = UnivObjective.builder().build();
        assertEquals(1f, objective.alpha());
        assertEquals(1f, objective.beta());
        assertEquals(RgbPreservation.PCCL, objective.rgbPreservation());
        assertEquals(0.6f, objective.rho());
        assertEquals(0.04f, objective.tau());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray teacherTokens = TestModels.randn(m, 1, 2, 4, 8);
            NDArray irTokens = TestModels.randn(m, 2, 2, 4, 8);
            NDArray attention = TestModels.randn(m, 3, 2, 2, 5, 5).softmax(-1);
            BackboneOutput teacher = new BackboneOutput(teacherTokens, attention, null, 1, 2, 2, List.of());
            // With student RGB ≡ teacher RGB, the RGB term is PCCL of the teacher against itself.
            UnivObjective.Terms terms = objective.compute(teacher, irTokens, teacherTokens);
            NDArray targets = PseudoLabels.fromAttention(attention, 1, 0.6f);
            assertEquals(Pccl.loss(irTokens, teacherTokens, targets, 0.04f).getFloat(), terms.irPccl().getFloat());
            assertEquals(Pccl.loss(teacherTokens, teacherTokens, targets, 0.04f).getFloat(),
                    terms.rgbTerm().getFloat());
            assertEquals(terms.irPccl().getFloat() + terms.rgbTerm().getFloat(), terms.total().getFloat(), 1e-6f);
            UnivObjective.Terms feature = UnivObjective.builder().optRgbPreservation(RgbPreservation.FEATURE).build()
                    .compute(teacher, irTokens, teacherTokens);
            assertEquals(0f, feature.rgbTerm().getFloat());
            assertEquals(feature.irPccl().getFloat(), feature.total().getFloat());

            // A trainer step's scope closes the terms and every temporary behind them.
            int before = m.getManagedArrays().size();
            try (NDScope step = new NDScope()) {
                objective.compute(teacher, irTokens, teacherTokens);
                assertEquals(before + 4, m.getManagedArrays().size());
            }
            assertEquals(before, m.getManagedArrays().size(), "the step scope must release everything");
        }
    }

    @Test
    void rejectsBadSettingsAndMismatchedInputs() {
        assertThrows(IllegalArgumentException.class, () -> UnivObjective.builder().optAlpha(-1f).build());
        assertThrows(IllegalArgumentException.class, () -> UnivObjective.builder().optBeta(Float.NaN).build());
        assertThrows(IllegalArgumentException.class, () -> UnivObjective.builder().optRho(1.5f).build());
        assertThrows(IllegalArgumentException.class, () -> UnivObjective.builder().optTau(0f).build());
        assertThrows(IllegalArgumentException.class, () -> UnivObjective.builder().optRgbPreservation("l2"));
        UnivObjective objective = UnivObjective.builder().build();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = m.ones(new Shape(2, 4, 8));
            NDArray attention = m.ones(new Shape(2, 3, 5, 5)).div(5f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> objective.compute(tokens, attention, 0, tokens, tokens));
            assertTrue(e.getMessage().contains("prefix"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> objective.compute(tokens, attention, 1, m.ones(new Shape(2, 4, 6)), tokens));
            assertThrows(IllegalArgumentException.class,
                    () -> objective.compute(tokens, attention, 1, tokens, m.ones(new Shape(1, 4, 8))));
        }
    }

    /** A random batch of 2 images × 4 patches × 8 channels, 2 heads with a CLS token. */
    private record SmallBatch(NDArray teacher, NDArray attention, NDArray studentIr, NDArray studentRgb) {
        static SmallBatch of(NDManager m) {
            return new SmallBatch(TestModels.randn(m, 1, 2, 4, 8),                     // [B, N, D]
                    TestModels.randn(m, 2, 2, 2, 5, 5).abs().softmax(-1),              // [B, H, 1+N, 1+N]
                    TestModels.randn(m, 3, 2, 4, 8), TestModels.randn(m, 4, 2, 4, 8));
        }

        UnivObjective.Terms compute(UnivObjective objective, List<NDArray> teacherBlocks, List<NDArray> studentBlocks) {
            return objective.compute(teacher, attention, 1, studentIr, studentRgb, teacherBlocks, studentBlocks);
        }
    }

    /** Σ (a − b)² by hand. */
    private static double squaredError(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double sum = 0;
        for (int k = 0; k < x.length; k++) {
            sum += (x[k] - y[k]) * (x[k] - y[k]);
        }
        return sum;
    }

    @Test
    void colocatedTermAddsGammaTimesTheTokenMseAndOnlyItsGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            SmallBatch batch = SmallBatch.of(m);
            NDArray teacher = batch.teacher();
            NDArray attention = batch.attention();
            NDArray studentIr = batch.studentIr();
            NDArray studentRgb = batch.studentRgb();
            UnivObjective paper = UnivObjective.builder().build();
            UnivObjective withColocated = UnivObjective.builder().optGamma(0.5f).build();
            long n = studentIr.size();
            double mse = squaredError(studentIr, teacher) / n;
            studentIr.setRequiresGradient(true);
            float base = paper.compute(teacher, attention, 1, studentIr, studentRgb).total().getFloat();
            NDArray gradColocated;
            float total;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray colo = UnivObjective.colocated(studentIr, teacher);
                gc.backward(colo);
                gradColocated = studentIr.getGradient().duplicate();
            }
            total = withColocated.compute(teacher, attention, 1, studentIr, studentRgb).total().getFloat();
            assertEquals(base + 0.5 * mse, total, 1e-5);
            // d mean((q - t)^2) / dq = 2 (q - t) / n
            NDArray want = studentIr.sub(teacher).mul(2f / n);
            assertTrue(TestModels.maxAbsDiff(gradColocated, want) < 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> UnivObjective.builder().optGamma(-1f));
        }
    }

    @Test
    void blockTermAddsDeltaTimesTheMeanRelativeErrorToTheRgbTerm() {
        try (NDManager m = NDManager.newBaseManager()) {
            SmallBatch batch = SmallBatch.of(m);
            List<NDArray> teacherBlocks = List.of(TestModels.randn(m, 5, 2, 4, 8), TestModels.randn(m, 6, 2, 4, 8).mul(3f));
            List<NDArray> studentBlocks = List.of(TestModels.randn(m, 7, 2, 4, 8), teacherBlocks.get(1));
            double[] relative = new double[2];
            for (int l = 0; l < 2; l++) {                                               // by hand
                NDArray t = teacherBlocks.get(l);
                relative[l] = squaredError(studentBlocks.get(l), t) / squaredError(t, t.zerosLike());
            }
            assertEquals(relative[0], UnivObjective.blockMse(teacherBlocks.get(0), studentBlocks.get(0)).getFloat(), 1e-6);
            assertEquals(0.0, relative[1]);
            UnivObjective plain = UnivObjective.builder().optRgbPreservation("feature").optBeta(2f).build();
            UnivObjective withBlocks = UnivObjective.builder().optRgbPreservation("feature").optBeta(2f)
                    .optBlockWeight(0.5f).build();
            UnivObjective.Terms base = batch.compute(plain, List.of(), List.of());
            UnivObjective.Terms terms = batch.compute(withBlocks, teacherBlocks, studentBlocks);
            double blockPart = 0.5 * (relative[0] + relative[1]) / 2;
            assertEquals(base.rgbTerm().getFloat() + blockPart, terms.rgbTerm().getFloat(), 1e-5);
            assertEquals(base.total().getFloat() + 2 * blockPart, terms.total().getFloat(), 1e-5);
            assertEquals(base.rgbTerm().getFloat(), batch.compute(withBlocks, List.of(), List.of()).rgbTerm().getFloat(),
                    1e-7, "no taps: the objective without the block term");
            assertThrows(IllegalArgumentException.class,
                    () -> batch.compute(withBlocks, teacherBlocks, List.of(studentBlocks.get(0))));
            assertThrows(IllegalArgumentException.class, () -> UnivObjective.builder().optBlockWeight(-1f));
        }
    }
}
