package org.univ.segment;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.univ.data.Images.Planes;
import org.univ.downstream.Modality;

/**
 * Generated segmentation data: images made of 16-pixel blocks whose class decides the colour (plus a little noise), so
 * that a tiny model can learn them; on disk as {@code vi/ ir/ mask/ classes.txt}.
 */
final class SegTestData {
    static final int CLASSES = 3;
    /** Class colours (RGB in [0, 1]); IR sees the red channel's brightness. */
    private static final float[][] COLOURS = {{0.1f, 0.2f, 0.8f}, {0.9f, 0.8f, 0.1f}, {0.2f, 0.9f, 0.3f}};

    private SegTestData() {}

    /** A class map of 16-px blocks, seeded. */
    static int[] blockMask(int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int bh = (h + 15) / 16;
        int bw = (w + 15) / 16;
        int[] blocks = new int[bh * bw];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = r.nextInt(CLASSES);
        }
        int[] mask = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                mask[y * w + x] = blocks[(y / 16) * bw + x / 16];
            }
        }
        return mask;
    }

    /** The RGB image of a class map: class colour plus uniform noise of ±0.05. */
    static Planes image(int[] mask, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5EED);
        float[] v = new float[3 * h * w];
        for (int p = 0; p < h * w; p++) {
            for (int c = 0; c < 3; c++) {
                v[c * h * w + p] = Math.max(0, Math.min(1, COLOURS[mask[p]][c] + (float) (r.nextDouble() - 0.5) * 0.1f));
            }
        }
        return new Planes(v, 3, h, w);
    }

    static SegDataset inMemory(int n, int h, int w, Modality modality) {
        List<SegDataset.Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] mask = blockMask(h, w, i);
            items.add(new SegDataset.Item("img" + i, Path.of("img" + i + ".png"), Path.of("mask/img" + i + ".png"),
                    image(mask, h, w, i), mask));
        }
        return SegDataset.of(items, classes(), modality, 255);
    }

    static SegClasses classes() {
        return new SegClasses(List.of("water", "sand", "grass"));
    }

    /** Writes n images (RGB and IR) with masks, classes.txt, train.txt (first nTrain) and val.txt; returns the root. */
    static Path write(Path root, int n, int nTrain, int h, int w) throws IOException {
        for (String d : List.of("vi", "ir", "mask")) {
            Files.createDirectories(root.resolve(d));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format("%04d", i);
            ids.add(id);
            int[] mask = blockMask(h, w, i);
            Planes p = image(mask, h, w, i);
            ImageIO.write(rgb(p), "png", root.resolve("vi/" + id + ".png").toFile());
            ImageIO.write(grey(p), "png", root.resolve("ir/" + id + ".png").toFile());
            ImageIO.write(SegPictures.classIds(mask, h, w), "png", root.resolve("mask/" + id + ".png").toFile());
        }
        Files.writeString(root.resolve("classes.txt"), "0 water\n1 sand\n2 grass\n");
        Files.write(root.resolve("train.txt"), ids.subList(0, nTrain));
        Files.write(root.resolve("val.txt"), ids.subList(nTrain, n));
        return root;
    }

    static BufferedImage rgb(Planes p) {
        return SegPictures.overlay(p, new int[p.height() * p.width()], 0, 0);
    }

    /** The red channel as 8-bit grey. */
    static BufferedImage grey(Planes p) {
        BufferedImage g = new BufferedImage(p.width(), p.height(), BufferedImage.TYPE_BYTE_GRAY);
        int[] v = new int[p.height() * p.width()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.round(p.data()[i] * 255);
        }
        g.getRaster().setSamples(0, 0, p.width(), p.height(), 0, v);
        return g;
    }
}
