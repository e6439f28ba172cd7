package org.univ.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Geometry shared by an image and its boxes: resize to the input size, scale jitter (a window of the scaled image,
 * padded where it leaves the image), horizontal flip, and — on cached feature maps — shifts by whole tokens. Boxes
 * follow the pixels exactly: they are scaled, translated, mirrored and clipped to the input, and dropped when less
 * than {@link #MIN_SIDE} pixel wide or high remains.
 */
public final class DetectionAugment {
    /** Boxes narrower or lower than this (input pixels) after clipping are dropped. */
    public static final double MIN_SIDE = 1.0;

    private DetectionAugment() {}

    /**
     * Where the input window lies in the image scaled by {@code scale} (its top-left at ({@code left}, {@code top})
     * of the scaled image; negative = padding), then mirrored when {@code flip}.
     */
    public record Geometry(double scale, int left, int top, boolean flip) {
        public static final Geometry NONE = new Geometry(1, 0, 0, false);

        public int scaledWidth(int width) {
            return Math.max(1, (int) Math.round(scale * width));
        }

        public int scaledHeight(int height) {
            return Math.max(1, (int) Math.round(scale * height));
        }

        /**
         * A random scale s ~ U(min, max) and a uniform window position over the scaled image (when it is larger) or of
         * the image inside the window (when smaller), flipped with probability {@code flipP}.
         */
        public static Geometry random(SplittableRandom rng, double min, double max, double flipP, int width, int height) {
            double s = min + (max - min) * rng.nextDouble();
            Geometry g = new Geometry(s, 0, 0, false);
            int left = offset(rng, g.scaledWidth(width) - width);
            int top = offset(rng, g.scaledHeight(height) - height);
            return new Geometry(s, left, top, rng.nextDouble() < flipP);
        }

        private static int offset(SplittableRandom rng, int slack) {
            return slack >= 0 ? rng.nextInt(slack + 1) : -rng.nextInt(-slack + 1);
        }
    }

    /**
     * Boxes of an {@code imageWidth × imageHeight} image after resizing it to the input {@code width × height} and
     * applying {@code g}.
     */
    public static List<DetectionDataset.Box> apply(List<DetectionDataset.Box> boxes, int imageWidth, int imageHeight,
                                                   int width, int height, Geometry g) {
        double sx = (double) g.scaledWidth(width) / imageWidth;
        double sy = (double) g.scaledHeight(height) / imageHeight;
        List<DetectionDataset.Box> out = new ArrayList<>(boxes.size());
        for (DetectionDataset.Box b : boxes) {
            double x1 = b.x1() * sx - g.left();
            double x2 = b.x2() * sx - g.left();
            double y1 = b.y1() * sy - g.top();
            double y2 = b.y2() * sy - g.top();
            if (g.flip()) {
                double f1 = width - x2;
                x2 = width - x1;
                x1 = f1;
            }
            DetectionDataset.Box clipped = clip(b.classIndex(), x1, y1, x2, y2, width, height);
            if (clipped != null) {
                out.add(clipped);
            }
        }
        return out;
    }

    /** Boxes moved by ({@code dx}, {@code dy}) pixels (a token-map shift × patch), clipped to the input. */
    public static List<DetectionDataset.Box> translate(List<DetectionDataset.Box> boxes, double dx, double dy, int width,
                                                       int height) {
        List<DetectionDataset.Box> out = new ArrayList<>(boxes.size());
        for (DetectionDataset.Box b : boxes) {
            DetectionDataset.Box moved = clip(b.classIndex(), b.x1() + dx, b.y1() + dy, b.x2() + dx, b.y2() + dy, width,
                    height);
            if (moved != null) {
                out.add(moved);
            }
        }
        return out;
    }

    private static DetectionDataset.Box clip(int cls, double x1, double y1, double x2, double y2, int width, int height) {
        double cx1 = Math.max(0, x1);
        double cy1 = Math.max(0, y1);
        double cx2 = Math.min(width, x2);
        double cy2 = Math.min(height, y2);
        if (cx2 - cx1 < MIN_SIDE || cy2 - cy1 < MIN_SIDE) {
            return null;
        }
        return new DetectionDataset.Box(cls, cx1, cy1, cx2, cy2);
    }
}
