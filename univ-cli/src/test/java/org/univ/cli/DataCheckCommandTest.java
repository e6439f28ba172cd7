package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Console;

class DataCheckCommandTest {
    @TempDir
    Path dir;

    private static Console.Result run(String... args) {
        return CliRunner.run(args);
    }

    private static void image(Path file, int w, int h, int type, String format) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(new BufferedImage(w, h, type), format, file.toFile()));
    }

    private Path root() throws IOException {
        Path root = dir.resolve("set");
        for (String id : new String[] {"a", "b"}) {
            image(root.resolve("vi/" + id + ".png"), 8, 6, BufferedImage.TYPE_3BYTE_BGR, "png");
        }
        image(root.resolve("ir/a.png"), 8, 6, BufferedImage.TYPE_BYTE_GRAY, "png");
        image(root.resolve("ir/b.tif"), 4, 3, BufferedImage.TYPE_USHORT_GRAY, "tiff"); // 16-bit TIFF, half size
        image(root.resolve("ir/extra.png"), 8, 6, BufferedImage.TYPE_BYTE_GRAY, "png");
        return root;
    }

    @Test
    void textReportOfAUsableRoot() throws IOException {
        Path root = root();
        Console.Result r = run("data", "check", root.toString());
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().contains("pairs          2"), r.out());
        assertTrue(r.out().contains("IR formats     16-bit grey ×1, 8-bit grey ×1"), r.out());
        assertTrue(r.out().contains("IR orphans     1: extra.png"), r.out());
        assertTrue(r.out().contains("size mismatch  1: b RGB 8×6 IR 4×3"), r.out());
        assertTrue(r.out().contains("all usable"), r.out());
    }

    @Test
    void jsonAndNonZeroExitWhenARootIsUnusable() throws IOException {
        Path root = root();
        Files.writeString(root.resolve("ids.txt"), "a\nmissing\n");
        Console.Result r = run("data", "check", "--json", root + ":ids.txt", dir.resolve("nowhere").toString());
        assertEquals(1, r.exitCode(), r.out());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertFalse(json.get("usable").asBoolean());
        assertEquals(1, json.get("pairs").asInt());
        JsonNode first = json.get("roots").get(0);
        assertEquals(root.resolve("ids.txt").toString(), first.get("ids").asText());
        assertEquals("missing (no RGB or IR file)", first.get("missingIds").get(0).asText());
        assertTrue(json.get("roots").get(1).get("problems").get(0).asText().contains("does not exist"));
    }

    @Test
    void explicitLayout() throws IOException {
        image(dir.resolve("custom/rgb/x.jpg"), 8, 6, BufferedImage.TYPE_3BYTE_BGR, "jpeg");
        image(dir.resolve("custom/thermal/x.png"), 8, 6, BufferedImage.TYPE_BYTE_GRAY, "png");
        assertEquals(1, run("data", "check", dir.resolve("custom").toString()).exitCode());
        Console.Result r = run("data", "check", "--layout", "rgb,thermal", dir.resolve("custom").toString());
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().contains("layout         rgb/ + thermal/"), r.out());
    }
}
