package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Console;
import org.univ.util.SharedData;

class ClassifyAndInspectTest {

    private static Path shared(String rel) {
        Path p = SharedData.root().resolve(rel);
        assumeTrue(Files.exists(p), "skipped: " + p + " not present (set UNIV_SHARED)");
        return p;
    }

    @Test
    void classifyPutsMinivanInTheTop5() {
        Path image = shared("data/roadscene/vi/FLIR_00006.jpg");
        shared("models/deit_tiny_patch16_224.safetensors");
        Console.Result r = CliRunner.run("classify", "--size", "224", image.toString());
        assertEquals(0, r.exitCode(), r.err());
        System.out.print(r.out());
        List<String> lines = r.out().lines().toList();
        assertEquals(6, lines.size(), r.out());
        assertTrue(lines.subList(1, 6).stream().anyMatch(l -> l.contains("minivan")), r.out());
    }

    @Test
    void inspectListsTensorsAndMetadata() {
        Path w = shared("models/deit_tiny_patch16_224.safetensors");
        Console.Result r = CliRunner.run("inspect", w.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("blocks.11.mlp.fc2.weight"), r.out());
        assertTrue(r.out().contains("meta  embed_dim = 192"), r.out());
        assertTrue(r.out().contains("152 tensors, 5,717,416 parameters"), r.out());
    }

    @Test
    void badInputGivesOneClearLine(@TempDir Path dir) throws Exception {
        Path notWeights = dir.resolve("x.safetensors");
        Files.write(notWeights, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        Console.Result r = CliRunner.run("inspect", notWeights.toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains(notWeights.toString()) && r.err().contains("safetensors"), r.err());
        Console.Result missing = CliRunner.run("classify", "--weights", dir.resolve("nope.safetensors").toString(), "a.png");
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }
}
