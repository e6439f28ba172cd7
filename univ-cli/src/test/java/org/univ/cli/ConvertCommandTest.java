package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.univ.io.TorchArchives.f32;
import static org.univ.io.TorchArchives.u16;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Console;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;
import org.univ.io.TensorInfo;
import org.univ.io.TorchArchives;
import org.univ.io.TorchArchives.Pickle;

class ConvertCommandTest {
    @TempDir
    Path dir;

    /** {'student': {w F32 [2,2], b F16 [2]}, 'teacher': {w F32 [2,2]}, 'epoch': 9, 'args': Namespace(lr=0.25)}. */
    private Path checkpoint() {
        Pickle p = new Pickle().emptyDict().mark();
        p.str("student").emptyDict().mark().str("w").tensor("FloatStorage", "0", 2, 2)
                .str("b").tensor("HalfStorage", "1", 2).setitems();
        p.str("teacher").emptyDict().mark().str("w").tensor("FloatStorage", "2", 2, 2).setitems();
        p.str("epoch").integer(9);
        p.str("args").global("argparse", "Namespace").emptyTuple().newobj().emptyDict().str("lr").real(0.25)
                .setitem().build();
        p.setitems();
        return TorchArchives.write(dir.resolve("ckpt.pth"), "ckpt", p.bytes(),
                Map.of("0", f32(1, 2, 3, 4), "1", u16(0x3C00, 0xC000), "2", f32(5, 6, 7, 8)));
    }

    @Test
    void convertsTheChosenStateDictWithItsMetadata() {
        Path in = checkpoint();
        Path teacherFile = dir.resolve("teacher.safetensors");
        assertEquals(0, Main.execute("convert", in.toString(), teacherFile.toString(), "--key", "teacher"));
        Path studentFile = dir.resolve("student.safetensors");
        assertEquals(0, Main.execute("convert", in.toString(), studentFile.toString()));
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict teacher = SafeTensors.load(teacherFile, m);
            assertEquals(Set.of("w"), teacher.names());
            assertArrayEquals(new float[] {5, 6, 7, 8}, teacher.get("w").toFloatArray());
            assertArrayEquals(new long[] {2, 2}, teacher.get("w").getShape().getShape());
            Map<String, String> meta = teacher.metadata();
            assertEquals("teacher", meta.get("pth.key"));
            assertEquals("9", meta.get("pth.epoch"));
            assertEquals("argparse.Namespace(lr=0.25)", meta.get("pth.args"));
            assertEquals("ckpt.pth", meta.get("source"));
            assertEquals("pt", meta.get("format"));

            StateDict student = SafeTensors.load(studentFile, m); // the default entry
            assertEquals(List.of("w", "b"), List.copyOf(student.names()));
            assertArrayEquals(new float[] {1, 2, 3, 4}, student.get("w").toFloatArray());
            assertArrayEquals(new float[] {1, -2}, student.get("b").toFloatArray());
            assertEquals("student", student.metadata().get("pth.key"));
            assertTrue(student.metadata().get("pth.notes").contains("F16/BF16 tensors are loaded as F32"));
        }
        List<TensorInfo> stored = SafeTensors.readHeader(studentFile).tensors();
        assertEquals("F32", stored.get(1).dtype());
    }

    @Test
    void inspectListsThePthEntries() {
        Path in = checkpoint();
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.execute("inspect", in.toString(), "--key", "teacher"));
        } finally {
            System.setOut(saved);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("note  student: state dict of 2 tensors   [read by default]"), text);
        assertTrue(text.contains("note  args: placeholder argparse.Namespace (lr)"), text);
        assertTrue(text.contains("1 tensors, 4 parameters"), text);
    }

    @Test
    void blendsATeacherAndAStudentFromAnyCheckpointFormat() {
        Path pth = checkpoint();
        Path teacher = dir.resolve("teacher.safetensors");
        assertEquals(0, Main.execute("convert", pth.toString(), teacher.toString(), "--key", "teacher"));
        Path out = dir.resolve("blend.safetensors");
        // TUNED read straight from the .pth's student entry: w = [1, 2, 3, 4] (and b, which the teacher lacks)
        Console.Result mismatch = CliRunner.run("blend", teacher.toString(), pth.toString(), out.toString(),
                "--strength", "0.25");
        assertEquals(1, mismatch.exitCode());
        assertTrue(mismatch.err().contains("[b]") && mismatch.err().contains("same architecture"), mismatch.err());
        assertFalse(Files.exists(out), "nothing is written when the checkpoints differ");

        Path student = dir.resolve("student.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensors.save(student, Map.of("w", m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2))),
                    Map.of("univ_ir_mean", "0.5"));
        }
        assertEquals(0, Main.execute("blend", teacher.toString(), student.toString(), out.toString(), "--strength", "0.25"));
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict blended = SafeTensors.load(out, m);
            // 0.75 · [5, 6, 7, 8] + 0.25 · [1, 2, 3, 4]
            assertArrayEquals(new float[] {4, 5, 6, 7}, blended.get("w").toFloatArray());
            assertEquals("0.5", blended.metadata().get("univ_ir_mean"));
            assertEquals("0.25", blended.metadata().get("univ_blend_strength"));
        }
        assertEquals(1, CliRunner.run("blend", teacher.toString(), student.toString(), student.toString(),
                "--strength", "0.5").exitCode(), "OUT may not overwrite an input");
    }

    @Test
    void refusesAHostileCheckpointAndWritesNothing() {
        Path marker = dir.resolve("pwned");
        Pickle p = new Pickle().emptyDict().str("student").global("os", "system").mark()
                .str("touch " + marker).tuple().reduce().setitem();
        Path in = TorchArchives.write(dir.resolve("evil.pth"), "evil", p.bytes(), Map.of());
        Path out = dir.resolve("evil.safetensors");
        assertEquals(1, Main.execute("convert", in.toString(), out.toString()));
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(marker));
    }
}
