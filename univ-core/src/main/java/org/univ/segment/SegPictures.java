package org.univ.segment;

import java.awt.image.BufferedImage;
import org.univ.data.Images.Planes;
import org.univ.downstream.ClassColours;

/**
 * Class maps as pictures: 8-bit class-id PNGs (the format masks are read in) and colour overlays (each class's palette
 * colour blended over the image; pixels of the ignore index left as they are).
 */
public final class SegPictures {
    private SegPictures() {}

    /** The colour of class {@code c} as 0xRRGGBB (the palette of every picture, {@link ClassColours}). */
    public static int colour(int c) {
        return ClassColours.rgb(c);
    }

    /** A grey image whose pixel values are the class ids (0..255). */
    public static BufferedImage classIds(int[] classes, int height, int width) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || classes[i] > 255) {
                throw new IllegalArgumentException("class id " + classes[i] + " does not fit an 8-bit mask PNG");
            }
        }
        img.getRaster().setSamples(0, 0, width, height, 0, classes);
        return img;
    }

    /** The image (3 planes in [0, 1]) with class colours blended in at {@code alpha}; {@code ignore} pixels untouched. */
    public static BufferedImage overlay(Planes image, int[] classes, double alpha, int ignore) {
        int h = image.height();
        int w = image.width();
        if (classes.length != h * w) {
            throw new IllegalArgumentException("class map has " + classes.length + " pixels, the image " + w + "x" + h);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double v = image.data()[c * plane + p];
                    if (classes[p] != ignore) {
                        int col = (colour(classes[p]) >> (16 - 8 * c)) & 0xFF;
                        v = (1 - alpha) * v + alpha * col / 255.0;
                    }
                    rgb = (rgb << 8) | (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

}
