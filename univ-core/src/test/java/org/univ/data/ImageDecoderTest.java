package org.univ.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.data.Images.Planes;

class ImageDecoderTest {
    @TempDir
    Path dir;

    /** 4×3 16-bit samples: min 1000 at (0,0), max 61000 at (3,0), 31000 at (x 3, y 2). */
    private static int[] samples16() {
        int[] s = {1000, 5000, 9000, 61000, 12000, 13000, 14000, 15000, 20000, 25000, 30000, 31000};
        return s;
    }

    @Test
    void twelveMonkeysReadsTiff() {
        assertTrue(ImageDecoder.tiffReaderClass().startsWith("com.twelvemonkeys."), ImageDecoder.tiffReaderClass());
    }

    @Test
    void sixteenBitGreyPngScaledByImageMinMax() {
        Path f = TestImages.write(TestImages.grey16(4, 3, samples16()), dir.resolve("ir16.png"));
        assertEquals("16-bit grey", ImageDecoder.header(f).format().label());
        Planes p = ImageDecoder.ir(ImageDecoder.read(f), IrScaling.minMax(), f);
        assertEquals(1, p.channels());
        assertEquals(0.5f, p.get(0, 2, 3), 1e-6f); // (31000 − 1000) / (61000 − 1000)
        assertEquals(0f, p.get(0, 0, 0), 0f);
        assertEquals(1f, p.get(0, 0, 3), 0f);
        assertEquals((20000 - 1000) / 60000f, p.get(0, 2, 0), 1e-6f);
        // a crop keeps the whole image's scale
        Planes row = ImageDecoder.ir(ImageDecoder.read(f), IrScaling.minMax(), f, 2, 1, 1, 3);
        assertEquals(0.5f, row.get(0, 0, 2), 1e-6f);
        assertEquals((25000 - 1000) / 60000f, row.get(0, 0, 0), 1e-6f);
    }

    @Test
    void sixteenBitFixedRangeClipsAndCounts() {
        Path f = TestImages.write(TestImages.grey16(4, 3, samples16()), dir.resolve("ir16.png"));
        IrScaling fixed = IrScaling.parse("0:40000");
        Planes p = ImageDecoder.ir(ImageDecoder.read(f), fixed, f);
        assertEquals(0.5f, p.get(0, 2, 0), 1e-6f); // 20000 / 40000
        assertEquals(1f, p.get(0, 0, 3), 0f); // 61000 clipped, and counted
        assertEquals(1, fixed.clippedImages());
        assertEquals("0:40000", fixed.toString());
        assertThrows(IllegalArgumentException.class, () -> IrScaling.parse("40000:0"));
        assertThrows(IllegalArgumentException.class, () -> IrScaling.parse("bright"));
    }

    @Test
    void sixteenBitTiffThroughTwelveMonkeys() {
        Path f = TestImages.write(TestImages.grey16(4, 3, samples16()), dir.resolve("ir16.tif"));
        assertEquals(new ImageHeader(4, 3, ImageDecoder.header(f).format()), ImageDecoder.header(f));
        assertEquals("16-bit grey", ImageDecoder.header(f).format().label());
        Planes p = ImageDecoder.ir(ImageDecoder.read(f), IrScaling.minMax(), f);
        assertEquals(0.5f, p.get(0, 2, 3), 1e-6f);
    }

    @Test
    void eightBitGreyIrIsDividedBy255() {
        BufferedImage g = TestImages.grey8(8, 6, 1);
        Path f = TestImages.write(g, dir.resolve("ir8.png"));
        Planes p = ImageDecoder.ir(ImageDecoder.read(f), IrScaling.minMax(), f);
        assertEquals(g.getRaster().getSample(5, 4, 0) / 255f, p.get(0, 4, 5), 0f);
        assertEquals("8-bit grey", ImageDecoder.header(f).format().label());
    }

    @Test
    void rgbIrBecomesGreyExactlyWhenChannelsAreIdentical() {
        BufferedImage g = TestImages.grey8(8, 6, 2);
        BufferedImage rgb = new BufferedImage(8, 6, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                int v = g.getRaster().getSample(x, y, 0);
                rgb.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        Path f = TestImages.write(rgb, dir.resolve("ir_rgb.png"));
        assertEquals("8-bit RGB", ImageDecoder.header(f).format().label());
        Planes p = ImageDecoder.ir(ImageDecoder.read(f), IrScaling.minMax(), f);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(g.getRaster().getSample(x, y, 0) / 255f, p.get(0, y, x), 0f);
            }
        }
        // a pseudo-coloured IR file becomes luma
        BufferedImage colour = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        colour.setRGB(0, 0, (200 << 16) | (100 << 8) | 50);
        assertEquals((299 * 200 + 587 * 100 + 114 * 50) / 1000.0 / 255, ImageDecoder.ir(colour, IrScaling.minMax(), "x").get(0, 0, 0), 1e-6);
    }

    /** The DataBuffer fast paths and the colour-model fallback agree with getRGB/getSample on every raster type. */
    @Test
    void regionDecodingMatchesPerPixelReference() throws Exception {
        BufferedImage base = TestImages.rgb(23, 17, 5);
        byte[] levels = new byte[256];
        for (int i = 0; i < 256; i++) {
            levels[i] = (byte) i;
        }
        IndexColorModel palette = new IndexColorModel(8, 256, levels, levels, levels);
        List<BufferedImage> images = new java.util.ArrayList<>();
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB,
                BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_USHORT_GRAY}) {
            images.add(convert(base, new BufferedImage(23, 17, type)));
        }
        images.add(convert(base, new BufferedImage(23, 17, BufferedImage.TYPE_BYTE_INDEXED, palette)));
        images.add(ImageIO.read(TestImages.write(base, dir.resolve("c.png")).toFile())); // PNG reader's own raster
        for (BufferedImage img : images) {
            Planes p = ImageDecoder.rgb(img, 3, 5, 9, 11);
            boolean grey = img.getColorModel().getNumColorComponents() == 1;
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < 9; y++) {
                for (int x = 0; x < 11; x++) {
                    int argb = img.getRGB(5 + x, 3 + y);
                    for (int c = 0; c < 3; c++) {
                        float expected = grey ? img.getRaster().getSample(5 + x, 3 + y, 0) / max : ((argb >> (16 - 8 * c)) & 0xff) / 255f;
                        assertEquals(expected, p.get(c, y, x), 0f, "type " + img.getType() + " at " + x + "," + y);
                    }
                }
            }
        }
    }

    /**
     * The reusing path of the data loader (crop into a scratch buffer, resize through scratch buffers) gives exactly
     * the allocating path's values, also when the scratch holds a larger earlier crop full of stale values.
     */
    @Test
    void scratchBuffersGiveTheAllocatingPathsValues() {
        Images.Scratch scratch = new Images.Scratch();
        for (int i = 0; i < 5; i++) {
            java.util.Arrays.fill(scratch.get(i, 4000), Float.NaN); // stale and longer than any crop below
        }
        BufferedImage rgb = TestImages.rgb(23, 17, 5);
        BufferedImage grey = convert(rgb, new BufferedImage(23, 17, BufferedImage.TYPE_BYTE_GRAY));
        for (BufferedImage img : List.of(rgb, grey)) {
            for (int[] r : new int[][] {{3, 5, 9, 11}, {0, 0, 17, 23}, {2, 1, 8, 8}}) {
                Planes a = ImageDecoder.rgb(img, r[0], r[1], r[2], r[3]);
                Planes b = ImageDecoder.rgb(img, r[0], r[1], r[2], r[3], scratch);
                Planes irA = ImageDecoder.ir(img, IrScaling.minMax(), "t", r[0], r[1], r[2], r[3]);
                Planes irB = ImageDecoder.ir(img, IrScaling.minMax(), "t", r[0], r[1], r[2], r[3], scratch);
                for (int[] out : new int[][] {{8, 8}, {r[2], 6}, {5, r[3]}, {r[2], r[3]}}) {
                    float[] expected = new float[3 * out[0] * out[1]];
                    float[] actual = new float[3 * out[0] * out[1]];
                    float[] zero = {0f};
                    float[] one = {1f};
                    Images.normalize(Images.resize(a, out[0], out[1]), zero, one, false, expected, 0);
                    Images.normalize(Images.resize(b, out[0], out[1], scratch), zero, one, false, actual, 0);
                    assertArrayEquals(expected, actual, "rgb " + java.util.Arrays.toString(r) + " -> " + java.util.Arrays.toString(out));
                    Images.normalize(Images.resize(irA, out[0], out[1]), zero, one, false, expected, 0);
                    Images.normalize(Images.resize(irB, out[0], out[1], scratch), zero, one, false, actual, 0);
                    assertArrayEquals(expected, actual, "ir " + java.util.Arrays.toString(r) + " -> " + java.util.Arrays.toString(out));
                }
            }
        }
    }

    private static BufferedImage convert(BufferedImage src, BufferedImage dst) {
        java.awt.Graphics2D g = dst.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return dst;
    }

    @Test
    void truncatedPngNamesTheFileAndTheDecodersReason() {
        Path f = TestImages.write(TestImages.rgb(64, 48, 3), dir.resolve("broken.png"));
        TestImages.truncate(f, 200); // header intact, pixel data cut
        ImageException e = assertThrows(ImageException.class, () -> ImageDecoder.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
        assertEquals(f, e.file());
        assertEquals(64, ImageDecoder.header(f).width()); // the header alone still reads

        Path g = TestImages.write(TestImages.rgb(64, 48, 3), dir.resolve("cut.png"));
        TestImages.truncate(g, 20); // header cut
        ImageException h = assertThrows(ImageException.class, () -> ImageDecoder.header(g));
        assertTrue(h.getMessage().contains(g.toString()), h.getMessage());

        ImageException missing = assertThrows(ImageException.class, () -> ImageDecoder.read(dir.resolve("none.png")));
        assertTrue(missing.getMessage().contains("does not exist"));
    }
}
