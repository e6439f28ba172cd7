package org.univ.segment;

import java.awt.image.BufferedImage;
import org.univ.data.Images.Planes;

/**
 * Class maps as pictures: 8-bit class-id PNGs (the format masks are read in) and colour overlays (each class's palette
 * colour blended over the image; pixels of the ignore index left as they are).
 */
public final class SegPictures {
    /** mmseg's Cityscapes-like first colours, then evenly spread hues. */
    private static final int[] BASE = {
        0x804080, 0xF423E8, 0x464646, 0x66669C, 0xBE9999, 0x999999, 0xFAAA1E, 0xDCDC00, 0x6B8E23, 0x98FB98,
        0x4682B4, 0xDC143C, 0xFF0000, 0x00008E, 0x000046, 0x003C64, 0x005064, 0x0000E6, 0x770B20
    };

    private SegPictures() {}

    /** The colour of class {@code c} as 0xRRGGBB. */
    public static int colour(int c) {
        if (c < BASE.length) {
            return BASE[c];
        }
        float hue = (float) ((c * 0.618033988749895) % 1.0);
        return java.awt.Color.HSBtoRGB(hue, 0.75f, 0.95f) & 0xFFFFFF;
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
