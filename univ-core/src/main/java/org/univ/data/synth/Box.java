package org.univ.data.synth;

import java.util.Locale;

/**
 * A detection box in pixels: the visible extent of one person or car, {@code [x0, x1) × [y0, y1)}.
 */
public record Box(BoxClass boxClass, int x0, int y0, int x1, int y1) {
    public Box {
        if (x1 <= x0 || y1 <= y0) {
            throw new IllegalArgumentException("empty box " + x0 + "," + y0 + "," + x1 + "," + y1);
        }
    }

    public int width() {
        return x1 - x0;
    }

    public int height() {
        return y1 - y0;
    }

    public boolean contains(int x, int y) {
        return x >= x0 && x < x1 && y >= y0 && y < y1;
    }

    /** The YOLO line {@code cls cx cy w h}, normalised by the image size. */
    public String yolo(int imageWidth, int imageHeight) {
        return String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f", boxClass.id(),
                (x0 + x1) / 2.0 / imageWidth, (y0 + y1) / 2.0 / imageHeight,
                (double) width() / imageWidth, (double) height() / imageHeight);
    }
}
