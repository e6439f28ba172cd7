package org.univ.segment;

import java.awt.image.BufferedImage;
import org.univ.data.Images;
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
        BufferedImage out = Images.toDisplay(image);
        int[] pixels = out.getRGB(0, 0, w, h, null, 0, w);
        for (int p = 0; p < pixels.length; p++) {
            if (classes[p] != ignore) {
                pixels[p] = Images.blend(pixels[p], colour(classes[p]), alpha);
            }
        }
        out.setRGB(0, 0, w, h, pixels, 0, w);
        return out;
    }

}
