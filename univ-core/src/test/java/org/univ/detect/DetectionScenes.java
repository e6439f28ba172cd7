package org.univ.detect;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Generated detection data in the MSRS layout: dark images with bright objects, class 0 a square, class 1 a wide bar
 * (RGB: red squares, green bars; IR: grey levels), YOLO labels for both modalities, {@code labels/classes.txt}.
 */
public final class DetectionScenes {
    /** An object as drawn: class and pixel corners. */
    public record Drawn(int cls, int x1, int y1, int x2, int y2) {}

    private DetectionScenes() {}

    /** Writes {@code n} images of {@code width × height}; returns the boxes of every image. */
    public static List<List<Drawn>> write(Path root, int n, int width, int height, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<Drawn>> all = new ArrayList<>();
        try {
            for (String d : List.of("vi", "ir", "labels/visible", "labels/infrared")) {
                Files.createDirectories(root.resolve(d));
            }
            Files.writeString(root.resolve("labels/classes.txt"), "0 square\n1 bar\n");
            for (int i = 0; i < n; i++) {
                String id = String.format(Locale.ROOT, "img%03d", i);
                List<Drawn> objects = layout(rng, width, height);
                all.add(objects);
                BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
                BufferedImage ir = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
                Graphics2D gr = rgb.createGraphics();
                Graphics2D gi = ir.createGraphics();
                gr.setColor(new Color(20, 20, 30));
                gr.fillRect(0, 0, width, height);
                gi.setColor(new Color(25, 25, 25));
                gi.fillRect(0, 0, width, height);
                StringBuilder labels = new StringBuilder();
                for (Drawn o : objects) {
                    gr.setColor(o.cls() == 0 ? new Color(240, 40, 40) : new Color(40, 240, 40));
                    gr.fillRect(o.x1(), o.y1(), o.x2() - o.x1(), o.y2() - o.y1());
                    gi.setColor(o.cls() == 0 ? new Color(250, 250, 250) : new Color(150, 150, 150));
                    gi.fillRect(o.x1(), o.y1(), o.x2() - o.x1(), o.y2() - o.y1());
                    labels.append(String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f%n", o.cls(),
                            (o.x1() + o.x2()) / 2.0 / width, (o.y1() + o.y2()) / 2.0 / height,
                            (o.x2() - o.x1()) / (double) width, (o.y2() - o.y1()) / (double) height));
                }
                gr.dispose();
                gi.dispose();
                ImageIO.write(rgb, "png", root.resolve("vi/" + id + ".png").toFile());
                ImageIO.write(ir, "png", root.resolve("ir/" + id + ".png").toFile());
                Files.writeString(root.resolve("labels/visible/" + id + ".txt"), labels.toString());
                Files.writeString(root.resolve("labels/infrared/" + id + ".txt"), labels.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** One or two objects that do not overlap, sides a quarter to a third of the image height. */
    private static List<Drawn> layout(SplittableRandom rng, int width, int height) {
        List<Drawn> out = new ArrayList<>();
        int count = 1 + rng.nextInt(2);
        int tries = 0;
        while (out.size() < count && tries++ < 100) {
            int cls = rng.nextInt(2);
            int h = height / 4 + rng.nextInt(height / 12 + 1);
            int w = cls == 0 ? h : Math.min(width - 2, (int) (h * 2.2));
            if (cls == 1) {
                h = Math.max(4, h / 2);
            }
            int x = rng.nextInt(width - w);
            int y = rng.nextInt(height - h);
            Drawn d = new Drawn(cls, x, y, x + w, y + h);
            boolean clear = out.stream().allMatch(o -> d.x2() + 2 < o.x1() || o.x2() + 2 < d.x1()
                    || d.y2() + 2 < o.y1() || o.y2() + 2 < d.y1());
            if (clear) {
                out.add(d);
            }
        }
        return out;
    }
}
