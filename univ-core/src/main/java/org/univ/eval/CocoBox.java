package org.univ.eval;

/**
 * A box as COCO writes it: top-left corner and size, {@code [x, y, w, h]} in pixels.
 *
 * @param x left edge
 * @param y top edge
 * @param w width, ≥ 0
 * @param h height, ≥ 0
 */
public record CocoBox(double x, double y, double w, double h) {
    public CocoBox {
        if (!(Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(w) && Double.isFinite(h))) {
            throw new IllegalArgumentException("box [" + x + ", " + y + ", " + w + ", " + h + "] has a non-finite value");
        }
        if (w < 0 || h < 0) {
            throw new IllegalArgumentException("box [" + x + ", " + y + ", " + w + ", " + h + "] has a negative size;"
                    + " COCO boxes are [x, y, width, height], not corners");
        }
    }

    /** The box with corners (x1, y1) and (x2, y2), x2 ≥ x1 and y2 ≥ y1 (detector output is usually xyxy). */
    public static CocoBox ofCorners(double x1, double y1, double x2, double y2) {
        return new CocoBox(x1, y1, x2 - x1, y2 - y1);
    }

    /** {@code w · h}: the area COCO gives detections, and the one used for every IoU. */
    public double area() {
        return w * h;
    }

    /**
     * IoU as pycocotools' {@code bbIou} ({@code maskApi.c}) computes it, operation for operation so that values
     * such as exactly 0.5 come out the same: intersection / union, or intersection / this box's area when
     * {@code other} is a crowd region; 0 when the boxes do not overlap with positive width and height.
     */
    public double iou(CocoBox other, boolean otherIsCrowd) {
        double iw = Math.min(w + x, other.w + other.x) - Math.max(x, other.x);
        if (iw <= 0) {
            return 0;
        }
        double ih = Math.min(h + y, other.h + other.y) - Math.max(y, other.y);
        if (ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        double da = w * h;
        double union = otherIsCrowd ? da : da + other.w * other.h - inter;
        return inter / union;
    }
}
