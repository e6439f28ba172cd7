package org.univ.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.cli.report.Figures.AttentionMaps;
import org.univ.cli.report.Figures.Box;
import org.univ.cli.report.Figures.Palette;
import org.univ.data.Images;
import org.univ.model.Backbone;
import org.univ.model.ConvViT;
import org.univ.model.VisionTransformer;

class FiguresTest {
    @TempDir
    Path dir;

    @Test
    void vitFigureHasThreePanelsAtDisplaySizeAndTheChosenPatchOutlined() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer teacher = new VisionTransformer(TestModels.tinyVit(), m);
             VisionTransformer student = new VisionTransformer(TestModels.tinyVit(), m)) {
            teacher.initialize(1);
            student.initialize(2);
            NDArray rgb = TestModels.randn(m, 3, 1, 3, 48, 64);   // 3x4 tokens of 16 px
            NDArray ir = TestModels.randn(m, 4, 1, 3, 48, 64);
            BufferedImage rgbImage = gradient(128, 96);             // display images larger than the input
            BufferedImage irImage = grey(128, 96, 90);
            Path png = dir.resolve("figs/attention.png");

            AttentionMaps maps = Figures.attentionFigure(teacher, student, rgb, ir, rgbImage, irImage, 1, 2, png);

            assertEquals(3, maps.gridH());
            assertEquals(4, maps.gridW());
            assertEquals(12, maps.teacherAttention().length, "CLS key dropped: one value per patch");
            assertEquals(12, maps.studentSimilarity().length);
            assertEquals(12, maps.teacherIrSimilarity().length);
            assertEquals(1.0, sum(maps.teacherAttention()), 1e-5);
            // Independent reference: head mean of the last attention, CLS row/column skipped, renormalised.
            float[] expected = new float[12];
            try (ai.djl.ndarray.NDScope s = new ai.djl.ndarray.NDScope()) {
                float[] all = teacher.forward(rgb).lastAttention().toFloatArray(); // [1, 2, 13, 13]
                int query = 1 + 1 * 4 + 2;
                for (int head = 0; head < 2; head++) {
                    for (int key = 1; key < 13; key++) {
                        expected[key - 1] += all[(head * 13 + query) * 13 + key] / 2f;
                    }
                }
            }
            double mass = sum(expected);
            for (int i = 0; i < 12; i++) {
                assertEquals(expected[i] / mass, maps.teacherAttention()[i], 1e-6);
            }
            for (float c : concat(maps.studentSimilarity(), maps.teacherIrSimilarity())) {
                assertTrue(c >= -1.0001f && c <= 1.0001f, "cosine " + c);
            }

            BufferedImage fig = ImageIO.read(png.toFile());
            int ph = 256;                                           // 96 px enlarged to the minimum panel height
            int pw = (int) Math.round(128 * 256 / 96.0);            // 341
            assertEquals(Figures.MARGIN + 3 * (pw + Figures.MARGIN), fig.getWidth());
            assertEquals(Figures.MARGIN + ph + Figures.CAPTION_HEIGHT + Figures.MARGIN, fig.getHeight());
            // Top edge of patch (1, 2) in every panel: cell (64, 32, 32, 32) of the 128x96 image, scale 256/96.
            double scale = 256 / 96.0;
            for (int panel = 0; panel < 3; panel++) {
                int x = Figures.MARGIN + panel * (pw + Figures.MARGIN) + (int) Math.round((64 + 16) * scale);
                int y = Figures.MARGIN + (int) Math.round(32 * scale);
                assertTrue(near(fig, x, y, Figures.OUTLINE.getRGB(), 40), "outline in panel " + panel);
            }
        }
    }

    @Test
    void convVitHasNoPrefixAndTeacherOnItsOwnInputMatchesItself() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); ConvViT model = new ConvViT(TestModels.tinyConvViT(), m)) {
            model.initialize(7);
            NDArray x = TestModels.randn(m, 5, 1, 3, 32, 48);      // 2x3 tokens of 16 px
            BufferedImage image = gradient(48, 32);
            Path a = dir.resolve("a.png");
            Path b = dir.resolve("b.png");

            // Student = teacher and IR = RGB: (b) and (c) are the same map, and the patch is most similar to itself.
            AttentionMaps maps = Figures.attentionFigure(model, model, x, x, image, image, 1, 0, a);
            Figures.attentionFigure(model, model, x, x, image, image, 1, 0, b);

            assertEquals(2, maps.gridH());
            assertEquals(3, maps.gridW());
            assertEquals(6, maps.teacherAttention().length);
            assertEquals(1.0, sum(maps.teacherAttention()), 1e-5);
            assertArrayEquals(maps.teacherIrSimilarity(), maps.studentSimilarity());
            int query = 1 * 3 + 0;
            assertEquals(1.0, maps.teacherIrSimilarity()[query], 1e-4);
            for (float c : maps.teacherIrSimilarity()) {
                assertTrue(c <= maps.teacherIrSimilarity()[query] + 1e-6);
            }
            BufferedImage fig = ImageIO.read(a.toFile());
            assertEquals(Figures.MARGIN + 3 * (384 + Figures.MARGIN), fig.getWidth()); // 48x32 shown 384x256
            assertEquals(-1L, Files.mismatch(a, b), "same inputs, same bytes");
        }
    }

    @Test
    void attentionInputsAreChecked() {
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer teacher = new VisionTransformer(TestModels.tinyVit(), m);
             ConvViT other = new ConvViT(TestModels.tinyConvViT().toBuilder().setEmbedDims(16, 24, 40).build(), m)) {
            NDArray x = TestModels.randn(m, 5, 1, 3, 32, 48);
            IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                    () -> Figures.attentionMaps(teacher, teacher, x, x, 2, 0));
            assertTrue(outside.getMessage().contains("outside the 2x3 token grid"), outside.getMessage());
            IllegalArgumentException shapes = assertThrows(IllegalArgumentException.class,
                    () -> Figures.attentionMaps(teacher, teacher, x, TestModels.randn(m, 6, 1, 3, 32, 32), 0, 0));
            assertTrue(shapes.getMessage().contains("both [1, 3, H, W]"), shapes.getMessage());
            Backbone mismatched = other;
            IllegalArgumentException student = assertThrows(IllegalArgumentException.class,
                    () -> Figures.attentionMaps(teacher, mismatched, x, x, 0, 0));
            assertTrue(student.getMessage().contains("do not match the teacher"), student.getMessage());
        }
    }

    @Test
    void segmentationOverlayShowsPredictionTruthIgnoreAndLegend() throws Exception {
        int w = 40;
        int h = 30;
        BufferedImage image = grey(w, h, 128);
        int[] predicted = new int[w * h];
        int[] truth = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                predicted[y * w + x] = x < 20 ? 0 : 1;
                truth[y * w + x] = y < 10 ? Figures.IGNORE : x < 20 ? 0 : 2;
            }
        }
        Palette palette = Palette.generated(List.of("road", "car", "person"));
        Path png = dir.resolve("seg.png");
        Figures.segmentationOverlay(image, predicted, truth, palette, png);

        BufferedImage fig = ImageIO.read(png.toFile());
        int pw = (int) Math.round(40 * 256 / 30.0);                 // 341
        int legendRows = 1;                                         // road, car, person, ignore fit one row
        assertEquals(Figures.MARGIN + 3 * (pw + Figures.MARGIN), fig.getWidth());
        assertEquals(Figures.MARGIN + 256 + Figures.CAPTION_HEIGHT + legendRows * Figures.LEGEND_ROW + Figures.MARGIN,
                fig.getHeight());
        double scale = 256 / 30.0;
        int predictionX = Figures.MARGIN + (pw + Figures.MARGIN);
        int truthX = Figures.MARGIN + 2 * (pw + Figures.MARGIN);
        int grey = 0xFF808080;
        // Interior of the "car" region of the prediction: exactly the blended colour.
        assertEquals(Images.blend(grey, palette.colour(1), Figures.OVERLAY_ALPHA) | 0xFF000000,
                fig.getRGB(predictionX + (int) (30 * scale), Figures.MARGIN + (int) (20 * scale)));
        // Ignore rows of the ground truth are black; labelled "person" pixels carry its colour.
        assertEquals(0xFF000000, fig.getRGB(truthX + (int) (10 * scale), Figures.MARGIN + (int) (4 * scale)));
        assertEquals(Images.blend(grey, palette.colour(2), Figures.OVERLAY_ALPHA) | 0xFF000000,
                fig.getRGB(truthX + (int) (30 * scale), Figures.MARGIN + (int) (20 * scale)));

        Path single = dir.resolve("seg-no-truth.png");
        Figures.segmentationOverlay(image, predicted, null, palette, single);
        assertEquals(Figures.MARGIN + 2 * (pw + Figures.MARGIN), ImageIO.read(single.toFile()).getWidth());

        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> Figures.segmentationOverlay(image, new int[10], null, palette, png));
        assertTrue(size.getMessage().contains("10 values but the image is 40x30"), size.getMessage());
        int[] bad = predicted.clone();
        bad[45] = 7;
        IllegalArgumentException cls = assertThrows(IllegalArgumentException.class,
                () -> Figures.segmentationOverlay(image, bad, null, palette, png));
        assertTrue(cls.getMessage().contains("class 7 at pixel (x 5, y 1)"), cls.getMessage());
    }

    @Test
    void boxesAreOutlinedInTheirClassColour() throws Exception {
        BufferedImage image = grey(64, 48, 40);
        Palette palette = Palette.generated(List.of("person", "car"));
        List<Box> boxes = List.of(new Box(8, 8, 40, 30, 1, 0.91), new Box(30, 0, 60, 20, 0, Double.NaN));
        Path png = dir.resolve("boxes.png");
        Figures.boxes(image, boxes, palette, png);

        BufferedImage fig = ImageIO.read(png.toFile());
        int pw = (int) Math.round(64 * 256 / 48.0);
        assertEquals(Figures.MARGIN + pw + Figures.MARGIN, fig.getWidth());
        assertEquals(Figures.MARGIN + 256 + Figures.CAPTION_HEIGHT + Figures.MARGIN, fig.getHeight());
        double scale = 256 / 48.0;
        int leftEdgeX = Figures.MARGIN + (int) Math.round(8 * scale);
        int midY = Figures.MARGIN + (int) Math.round(22 * scale);
        assertTrue(near(fig, leftEdgeX, midY, palette.colour(1), 30), "car box edge");
        assertThrows(IllegalArgumentException.class,
                () -> Figures.boxes(image, List.of(new Box(0, 0, 1, 1, 2, 0.5)), palette, png));
        assertThrows(IllegalArgumentException.class, () -> new Box(5, 0, 1, 1, 0, 0.5));
    }

    @Test
    void infernoMatchesMatplotlibAnchorsAndBrightensMonotonically() {
        assertClose(0x000004, ColorMaps.inferno(0), 6);
        assertClose(0xbc3754, ColorMaps.inferno(0.5), 4);
        assertClose(0xfcffa4, ColorMaps.inferno(1), 5);
        double previous = -1;
        for (int i = 0; i <= 100; i++) {
            int c = ColorMaps.inferno(i / 100.0);
            double lum = 0.2126 * (c >> 16 & 0xFF) + 0.7152 * (c >> 8 & 0xFF) + 0.0722 * (c & 0xFF);
            assertTrue(lum >= previous - 0.5, "luminance falls at t=" + i / 100.0);
            previous = lum;
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void assertClose(int expected, int actual, int tolerance) {
        for (int shift = 16; shift >= 0; shift -= 8) {
            int e = expected >> shift & 0xFF;
            int a = actual >> shift & 0xFF;
            assertTrue(Math.abs(e - a) <= tolerance, String.format("expected #%06x, got #%06x", expected, actual));
        }
    }

    /** Whether a pixel within 2 px of (x, y) is within {@code tolerance} of the colour in every channel. */
    private static boolean near(BufferedImage img, int x, int y, int rgb, int tolerance) {
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                int p = img.getRGB(x + dx, y + dy);
                boolean close = true;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    close &= Math.abs((p >> shift & 0xFF) - (rgb >> shift & 0xFF)) <= tolerance;
                }
                if (close) {
                    return true;
                }
            }
        }
        return false;
    }

    static BufferedImage gradient(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 160);
            }
        }
        return img;
    }

    static BufferedImage grey(int w, int h, int level) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, level);
            }
        }
        return img;
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
