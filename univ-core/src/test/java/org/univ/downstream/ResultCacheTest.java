package org.univ.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCacheTest {
    @TempDir Path tmp;

    @Test
    void keyedByTheCheckpointsBytesNotItsPathOrTime() throws Exception {
        Path original = Files.write(tmp.resolve("teacher.safetensors"), new byte[] {1, 2, 3, 4});
        Path copy = Files.createDirectories(tmp.resolve("recopied")).resolve("teacher.safetensors");
        Files.copy(original, copy);
        Files.setLastModifiedTime(copy, FileTime.fromMillis(0)); // what a fresh copy of ../shared looks like
        Path other = Files.write(tmp.resolve("student.safetensors"), new byte[] {1, 2, 3, 5});
        Path dir = tmp.resolve("cache");

        ResultCache cache = new ResultCache(dir, "det\nseeds [0, 1]", original);
        assertNull(cache.get(Modality.IR), "nothing cached yet");
        TransferTask.Result result = new TransferTask.Result(List.of(Map.of("AP50", 0.25, "mAP", 0.1)),
                List.of(Path.of("det_teacher_ir.png")));
        cache.put(Modality.IR, result);

        ResultCache sameBytes = new ResultCache(dir, "det\nseeds [0, 1]", copy);
        assertEquals(cache.file(Modality.IR), sameBytes.file(Modality.IR));
        assertEquals(result, sameBytes.get(Modality.IR));
        assertNull(sameBytes.get(Modality.RGB), "per modality");
        assertNotEquals(cache.file(Modality.IR), new ResultCache(dir, "det\nseeds [0, 1]", other).file(Modality.IR),
                "other weights, other results");
        assertNotEquals(cache.file(Modality.IR), new ResultCache(dir, "det\nseeds [0, 1, 2]", copy).file(Modality.IR),
                "other settings, other results");
    }
}
