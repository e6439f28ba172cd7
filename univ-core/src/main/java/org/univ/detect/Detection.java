package org.univ.detect;

import org.univ.eval.CocoBox;
import org.univ.eval.CocoDetection;

/** One detected object: class index (0..K−1), score and corners in pixels. */
public record Detection(int classIndex, double score, double x1, double y1, double x2, double y2) {
    /** The box in another image size: x scaled by {@code sx}, y by {@code sy} (input pixels → original pixels). */
    public Detection scaled(double sx, double sy) {
        return new Detection(classIndex, score, x1 * sx, y1 * sy, x2 * sx, y2 * sy);
    }

    public CocoDetection toCoco(long imageId, int categoryId) {
        return new CocoDetection(imageId, categoryId, CocoBox.ofCorners(x1, y1, x2, y2), score);
    }

    public double width() {
        return x2 - x1;
    }

    public double height() {
        return y2 - y1;
    }
}
