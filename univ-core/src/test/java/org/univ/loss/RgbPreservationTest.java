package org.univ.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.univ.Shared;
import org.univ.TestModels;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;

class RgbPreservationTest {

    @Test
    void namesParse() {
        assertEquals(RgbPreservation.PCCL, RgbPreservation.fromName("pccl"));
        assertEquals(RgbPreservation.GRAM, RgbPreservation.fromName(" Gram "));
        assertEquals(RgbPreservation.FEATURE, RgbPreservation.fromName("feature"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RgbPreservation.fromName("cosine"));
        assertTrue(e.getMessage().contains("pccl, gram, feature"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RgbPreservation.fromName(null));
    }

    @Test
    void gramMatchesPyTorchLossAndGradient() {
        Path file = Shared.require("fixtures/pccl_reference.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict ref = SafeTensors.load(file, m);
            NDArray[] r = PcclTest.lossAndGradient(ref.require("student"), ref.require("teacher"),
                    (s, t) -> RgbPreservation.GRAM.loss(t, s, null, Pccl.DEFAULT_TAU));
            float lossDiff = PcclTest.relativeDiff(r[0], ref.require("gram_mse"));
            float gradDiff = TestModels.maxAbsDiff(r[1], ref.require("grad_student_gram_mse"));
            System.out.printf("Gram-MSE reference: %.7f (torch %.7f, rel diff %.2e), grad max-abs diff %.2e%n",
                    r[0].getFloat(), ref.require("gram_mse").getFloat(), lossDiff, gradDiff);
            assertTrue(lossDiff <= 1e-5f, "gram_mse rel diff " + lossDiff);
            assertTrue(gradDiff <= 1e-4f, "gram grad max-abs diff " + gradDiff);
            assertEquals(0f, r[2].abs().max().getFloat(), "teacher must receive no gradient");
        }
    }

    @Test
    void pcclVariantIsPcclOfTheStudentRgbTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray teacher = TestModels.randn(m, 1, 2, 6, 8);
            NDArray student = TestModels.randn(m, 2, 2, 6, 8);
            NDArray targets = TestModels.randn(m, 3, 2, 6, 6).gt(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32,
                    false);
            assertEquals(Pccl.loss(student, teacher, targets, 0.1f).getFloat(),
                    RgbPreservation.PCCL.loss(teacher, student, targets, 0.1f).getFloat());
        }
    }

    @Test
    void featureMseByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray teacher = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 3, 2));
            NDArray student = m.create(new float[] {1, 0, 3, 6, 5, 9}, new Shape(1, 3, 2));
            NDArray[] r = PcclTest.lossAndGradient(student, teacher,
                    (s, t) -> RgbPreservation.FEATURE.loss(t, s, null, Pccl.DEFAULT_TAU));
            // differences 0, -2, 0, 2, 0, 3 → squares sum 17 over 6 values; gradient 2·(S − T)/6
            System.out.printf("feature MSE hand case: %.7f (want %.7f)%n", r[0].getFloat(), 17f / 6f);
            assertEquals(17f / 6f, r[0].getFloat(), 1e-6f);
            assertArrayEquals(new float[] {0, -4f / 6f, 0, 4f / 6f, 0, 1f}, r[1].toFloatArray(), 1e-6f);
            assertEquals(0f, r[2].abs().max().getFloat(), "teacher must receive no gradient");
        }
    }

    @Test
    void gramAndFeatureVanishWhenStudentEqualsTeacher() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = TestModels.randn(m, 5, 2, 6, 8);
            assertEquals(0f, RgbPreservation.gramMse(tokens, tokens.duplicate()).getFloat(), 1e-12f);
            assertEquals(0f, RgbPreservation.featureMse(tokens, tokens.duplicate()).getFloat());
            // Gram is invariant to a per-token scale (normalised tokens), the feature MSE is not.
            NDArray scaled = tokens.mul(3f);
            assertEquals(0f, RgbPreservation.gramMse(tokens, scaled).getFloat(), 1e-10f);
            assertTrue(RgbPreservation.featureMse(tokens, scaled).getFloat() > 0.1f);
            assertThrows(IllegalArgumentException.class,
                    () -> RgbPreservation.gramMse(tokens, tokens.get(":, :5, :")));
        }
    }
}
