package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Console;
import org.univ.data.synth.SceneGenerator;

class SynthCommandTest {
    private static Console.Result synth(String... args) {
        return CliRunner.run(new SynthCommand(), args);
    }

    @Test
    void writesTheSameDataSetAsTheLibrary(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("cli");
        Console.Result r = synth("--out", dir.toString(), "--pairs", "6", "--seed", "3");
        assertEquals(0, r.exitCode(), r.err());
        System.out.print(r.out());
        assertTrue(r.out().startsWith("wrote 6 pairs (160x128, 3 day, 3 night; 4 train, 2 val;"), r.out());
        Path lib = tmp.resolve("lib");
        SceneGenerator.builder().optSeed(3).build().write(lib, 6);
        assertEquals(hashes(lib), hashes(dir));
        assertEquals(List.of("00000D", "00001N", "00002D", "00003N", "00004D", "00005N"), stems(dir.resolve("vi")));
    }

    @Test
    void sizeAndNightFractionOptions(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("day");
        Console.Result r = synth("--out", dir.toString(), "--pairs", "3", "--seed", "1", "--width", "96", "--height", "64",
                "--night-fraction", "0");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(List.of("00000D", "00001D", "00002D"), stems(dir.resolve("ir")));
        var ir = ImageIO.read(dir.resolve("ir/00001D.png").toFile());
        assertEquals(96, ir.getWidth());
        assertEquals(64, ir.getHeight());
    }

    @Test
    void badArgumentsGiveAClearMessage(@TempDir Path tmp) throws Exception {
        Console.Result zero = synth("--out", tmp.resolve("a").toString(), "--pairs", "0", "--seed", "1");
        assertNotEquals(0, zero.exitCode());
        assertTrue(zero.err().contains("number of pairs must be >= 1"), zero.err());

        Console.Result tiny = synth("--out", tmp.resolve("b").toString(), "--pairs", "2", "--seed", "1", "--width", "8");
        assertNotEquals(0, tiny.exitCode());
        assertTrue(tiny.err().contains("8x128"), tiny.err());

        Files.writeString(tmp.resolve("c.txt"), "keep me");
        Console.Result used = synth("--out", tmp.toString(), "--pairs", "2", "--seed", "1");
        assertNotEquals(0, used.exitCode());
        assertTrue(used.err().contains(tmp.toString()) && used.err().contains("not empty"), used.err());
        assertEquals("keep me", Files.readString(tmp.resolve("c.txt")));

        Console.Result missing = synth("--pairs", "2", "--seed", "1");
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.err().contains("--out"), missing.err());
    }

    private static List<String> stems(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString().replaceFirst("\\.[^.]+$", "")).sorted().toList();
        }
    }

    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }
}
