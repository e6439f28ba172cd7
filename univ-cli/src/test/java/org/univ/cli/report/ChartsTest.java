package org.univ.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    @TempDir
    Path dir;

    @Test
    void plotsWhicheverLossFieldsTheFileHas() throws Exception {
        Path metrics = Files.writeString(dir.resolve("teacher_metrics.jsonl"),
                "{\"step\":1,\"loss\":2.0}\n\n{\"step\":2,\"loss\":1.0,\"loss_cls\":0.5}\n{\"loss\":0.8}\n");
        Path png = dir.resolve("out/curve.png");
        Charts.lossCurves(metrics, png, "Teacher fine-tuning loss");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(480, img.getHeight());
    }

    @Test
    void unusableFilesSayWhy() throws Exception {
        Path noLoss = Files.writeString(dir.resolve("a.jsonl"), "{\"step\":1,\"lr\":0.1}\n");
        IOException e = assertThrows(IOException.class, () -> Charts.lossCurves(noLoss, dir.resolve("a.png")));
        assertTrue(e.getMessage().contains("has no numeric loss fields"), e.getMessage());
        Path array = Files.writeString(dir.resolve("b.jsonl"), "{\"loss\":1}\n[1]\n");
        e = assertThrows(IOException.class, () -> Charts.lossCurves(array, dir.resolve("b.png")));
        assertTrue(e.getMessage().endsWith("b.jsonl line 2 is not a JSON object"), e.getMessage());
        Path empty = Files.writeString(dir.resolve("c.jsonl"), "\n");
        e = assertThrows(IOException.class, () -> Charts.lossCurves(empty, dir.resolve("c.png")));
        assertTrue(e.getMessage().contains("has no metrics yet"), e.getMessage());
    }
}
