package org.univ.data;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Generated images and pair folders for the data tests. */
final class TestImages {
    private TestImages() {}

    /**
     * A structured colour image (smooth gradients + a few blocks + seeded texture) so that a misplaced crop or a
     * missing flip shows up as a large difference.
     */
    static BufferedImage rgb(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        SplittableRandom r = new SplittableRandom(seed);
        int bx = r.nextInt(Math.max(1, w / 2));
        int by = r.nextInt(Math.max(1, h / 2));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red = 255 * x / Math.max(1, w - 1);
                int green = 255 * y / Math.max(1, h - 1);
                int blue = (x / 4 + y / 3) % 2 == 0 ? 40 : 200;
                if (x >= bx && x < bx + w / 4 && y >= by && y < by + h / 4) {
                    red = 255 - red;
                }
                blue = Math.min(255, Math.max(0, blue + r.nextInt(21) - 10));
                img.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
        return img;
    }

    /** 8-bit grey image holding the rounded ITU-R 601 luma of {@code rgb}. */
    static BufferedImage greyCopy(BufferedImage rgb) {
        BufferedImage g = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster out = g.getRaster();
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y);
                double l = (299.0 * ((p >> 16) & 0xff) + 587.0 * ((p >> 8) & 0xff) + 114.0 * (p & 0xff)) / 1000.0;
                out.setSample(x, y, 0, (int) Math.round(l));
            }
        }
        return g;
    }

    /** 8-bit grey ramp with seeded noise. */
    static BufferedImage grey8(int w, int h, long seed) {
        BufferedImage g = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        SplittableRandom r = new SplittableRandom(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                g.getRaster().setSample(x, y, 0, Math.min(255, (x * 7 + y * 3) % 256 / 2 + r.nextInt(100)));
            }
        }
        return g;
    }

    /** 16-bit grey image with the given samples, row-major. */
    static BufferedImage grey16(int w, int h, int[] samples) {
        BufferedImage g = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        g.getRaster().setSamples(0, 0, w, h, 0, samples);
        return g;
    }

    static Path write(BufferedImage img, Path file) {
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        format = format.equals("jpg") ? "jpeg" : format.equals("tif") ? "tiff" : format;
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A root with {@code rgbDir}/{@code id}.png (colour) and {@code irDir}/{@code id}.png (grey copy) for each id. */
    static Path pairs(Path root, PairLayout layout, int w, int h, String... ids) {
        for (String id : ids) {
            BufferedImage rgb = rgb(w, h, id.hashCode());
            write(rgb, root.resolve(layout.rgbDir()).resolve(id + ".png"));
            write(greyCopy(rgb), root.resolve(layout.irDir()).resolve(id + ".png"));
        }
        return root;
    }

    /** Keeps the first {@code keep} bytes of a file (a truncated download). */
    static void truncate(Path file, int keep) {
        try {
            byte[] b = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(b, Math.min(keep, b.length)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
