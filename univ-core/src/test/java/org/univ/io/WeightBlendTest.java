package org.univ.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class WeightBlendTest {
    private static StateDict dict(NDManager m, float[] weight, long step) {
        StateDict sd = new StateDict();
        sd.put("blocks.0.attn.qkv.weight", m.create(weight, new Shape(2, 2)));
        sd.put("num_batches", m.create(new long[] {step}));
        return sd;
    }

    @Test
    void interpolatesFloatTensorsAndReproducesTheEndsExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] teacher = {1f, -2f, 0.1f, 1e-7f};
            float[] student = {3f, 2f, 0.3f, 3.3333333f};
            StateDict base = dict(m, teacher, 5);
            StateDict tuned = dict(m, student, 5);
            tuned.metadata().put("univ_ir_mean", "0.53");

            StateDict half = WeightBlend.blend(base, "t", tuned, "s", 0.25);
            // 0.75·teacher + 0.25·student, worked by hand
            assertArrayEquals(new float[] {1.5f, -1f, 0.15f, 0.8333334f},
                    half.require("blocks.0.attn.qkv.weight").toFloatArray(), 1e-6f);
            assertArrayEquals(new long[] {5}, half.require("num_batches").toLongArray());
            assertEquals("0.53", half.metadata().get("univ_ir_mean"), "the tuned checkpoint's metadata is kept");
            assertEquals("0.25", half.metadata().get("univ_blend_strength"));

            assertArrayEquals(teacher, WeightBlend.blend(base, "t", tuned, "s", 0)
                    .require("blocks.0.attn.qkv.weight").toFloatArray(), 0f);
            assertArrayEquals(student, WeightBlend.blend(base, "t", tuned, "s", 1)
                    .require("blocks.0.attn.qkv.weight").toFloatArray(), 0f);
        }
    }

    @Test
    void refusesDifferentArchitecturesAndBadStrengths() {
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict base = dict(m, new float[4], 5);
            StateDict other = new StateDict().put("blocks.0.attn.qkv.weight", m.create(new float[6], new Shape(2, 3)))
                    .put("num_batches", m.create(new long[] {5}));
            CheckpointException shape = assertThrows(CheckpointException.class,
                    () -> WeightBlend.blend(base, "teacher.safetensors", other, "student.safetensors", 0.5));
            assertTrue(shape.getMessage().contains("blocks.0.attn.qkv.weight")
                    && shape.getMessage().contains("teacher.safetensors") && shape.getMessage().contains("[2, 3]"),
                    shape.getMessage());

            StateDict extra = dict(m, new float[4], 5).put("head.weight", m.create(new float[1]));
            CheckpointException names = assertThrows(CheckpointException.class,
                    () -> WeightBlend.blend(base, "a", extra, "b", 0.5));
            assertTrue(names.getMessage().contains("head.weight"), names.getMessage());

            assertThrows(CheckpointException.class, () -> WeightBlend.blend(base, "a", dict(m, new float[4], 6), "b", 0.5),
                    "integer tensors cannot be interpolated when they differ");
            for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
                assertThrows(IllegalArgumentException.class, () -> WeightBlend.blend(base, "a", base, "b", bad));
            }
        }
    }
}
