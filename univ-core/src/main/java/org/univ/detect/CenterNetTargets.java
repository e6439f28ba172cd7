package org.univ.detect;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.univ.util.Tensors;

/**
 * CenterNet training targets for a batch, as dense maps on the head's grid of {@code h × w} cells (cell = stride
 * pixels). For a box with centre c (in cells) the peak cell is {@code p = floor(c)}:
 * <ul>
 *   <li>{@code heatmap [B, K, h, w]}: per class the element-wise maximum of one Gaussian per object, peak 1 at p,
 *       σ = (2r + 1) / 6 with r CenterNet's {@code gaussian_radius} (min overlap 0.7) of the box in cells;</li>
 *   <li>{@code offset [B, 2, h, w]}: c − p (x, y) at p; {@code logSize [B, 2, h, w]}: log of the box width and height
 *       in cells at p; {@code boxes [B, 4, h, w]}: the box corners in input pixels at p;</li>
 *   <li>{@code mask [B, 1, h, w]}: 1 at the peak cells. Objects whose centres share a cell keep the last one's
 *       regression targets (CenterNet gathers both; with stride 8 this is rare).</li>
 * </ul>
 * Pure Java: tested against hand-computed values, turned into libtorch-owned tensors by {@link #toNDList}.
 */
public final class CenterNetTargets {
    /** CenterNet's {@code min_overlap} for the Gaussian radius. */
    public static final double MIN_OVERLAP = 0.7;

    private final int batch;
    private final int numClasses;
    private final int height;
    private final int width;
    private final int stride;
    private final float[] heatmap;
    private final float[] offset;
    private final float[] logSize;
    private final float[] boxes;
    private final float[] mask;
    private int objects;

    /** Empty targets for a batch on a grid of {@code height × width} cells of {@code stride} pixels. */
    public CenterNetTargets(int batch, int numClasses, int height, int width, int stride) {
        this.batch = batch;
        this.numClasses = numClasses;
        this.height = height;
        this.width = width;
        this.stride = stride;
        int plane = height * width;
        heatmap = new float[batch * numClasses * plane];
        offset = new float[batch * 2 * plane];
        logSize = new float[batch * 2 * plane];
        boxes = new float[batch * 4 * plane];
        mask = new float[batch * plane];
    }

    /** Targets of a batch: {@code boxesPerImage.get(i)} in input pixels (already flipped / shifted / scaled). */
    public static CenterNetTargets encode(List<List<DetectionDataset.Box>> boxesPerImage, int numClasses, int height,
                                          int width, int stride) {
        CenterNetTargets t = new CenterNetTargets(boxesPerImage.size(), numClasses, height, width, stride);
        for (int i = 0; i < boxesPerImage.size(); i++) {
            for (DetectionDataset.Box b : boxesPerImage.get(i)) {
                t.add(i, b);
            }
        }
        return t;
    }

    /** Adds one object of image {@code image}; boxes whose centre falls outside the grid are skipped. */
    public void add(int image, DetectionDataset.Box box) {
        if (box.classIndex() < 0 || box.classIndex() >= numClasses) {
            throw new IllegalArgumentException("class index " + box.classIndex() + " outside [0, " + numClasses + ")");
        }
        double cx = (box.x1() + box.x2()) / 2 / stride;
        double cy = (box.y1() + box.y2()) / 2 / stride;
        double w = box.width() / stride;
        double h = box.height() / stride;
        int px = (int) Math.floor(cx);
        int py = (int) Math.floor(cy);
        if (px < 0 || py < 0 || px >= width || py >= height || !(w > 0) || !(h > 0)) {
            return;
        }
        int radius = Math.max(0, (int) gaussianRadius(h, w, MIN_OVERLAP));
        drawGaussian(image, box.classIndex(), px, py, radius);
        int plane = height * width;
        int cell = py * width + px;
        offset[(image * 2) * plane + cell] = (float) (cx - px);
        offset[(image * 2 + 1) * plane + cell] = (float) (cy - py);
        logSize[(image * 2) * plane + cell] = (float) Math.log(w);
        logSize[(image * 2 + 1) * plane + cell] = (float) Math.log(h);
        boxes[(image * 4) * plane + cell] = (float) box.x1();
        boxes[(image * 4 + 1) * plane + cell] = (float) box.y1();
        boxes[(image * 4 + 2) * plane + cell] = (float) box.x2();
        boxes[(image * 4 + 3) * plane + cell] = (float) box.y2();
        if (mask[image * plane + cell] == 0) {
            mask[image * plane + cell] = 1;
        }
        objects++;
    }

    /**
     * CenterNet's {@code gaussian_radius((h, w), min_overlap)}: the smallest of the three radii by which a corner may
     * move while the box keeps IoU ≥ min_overlap with the truth (sizes in cells).
     */
    public static double gaussianRadius(double h, double w, double minOverlap) {
        double b1 = h + w;
        double c1 = w * h * (1 - minOverlap) / (1 + minOverlap);
        double r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;
        double b2 = 2 * (h + w);
        double c2 = (1 - minOverlap) * w * h;
        double r2 = (b2 + Math.sqrt(b2 * b2 - 16 * c2)) / 2;
        double a3 = 4 * minOverlap;
        double b3 = -2 * minOverlap * (h + w);
        double c3 = (minOverlap - 1) * w * h;
        double r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
        return Math.min(r1, Math.min(r2, r3));
    }

    /** CenterNet's {@code draw_umich_gaussian}: element-wise max of a (2r+1)² Gaussian, σ = (2r+1)/6, peak 1. */
    private void drawGaussian(int image, int cls, int px, int py, int radius) {
        double sigma = (2 * radius + 1) / 6.0;
        int base = (image * numClasses + cls) * height * width;
        double tiny = Math.ulp(1.0); // np.finfo(dtype).eps: values below eps · max are set to 0
        for (int dy = -radius; dy <= radius; dy++) {
            int y = py + dy;
            if (y < 0 || y >= height) {
                continue;
            }
            for (int dx = -radius; dx <= radius; dx++) {
                int x = px + dx;
                if (x < 0 || x >= width) {
                    continue;
                }
                double g = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                float v = g < tiny ? 0f : (float) g;
                int i = base + y * width + x;
                if (v > heatmap[i]) {
                    heatmap[i] = v;
                }
            }
        }
    }

    /** Objects added (including several in one cell). */
    public int objects() {
        return objects;
    }

    /** Peak cells (what the focal loss and the L1 terms are normalised by). */
    public int peaks() {
        int n = 0;
        for (float m : mask) {
            n += m > 0 ? 1 : 0;
        }
        return n;
    }

    public float[] heatmap() {
        return heatmap;
    }

    public float[] offset() {
        return offset;
    }

    public float[] logSize() {
        return logSize;
    }

    public float[] boxes() {
        return boxes;
    }

    public float[] mask() {
        return mask;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int stride() {
        return stride;
    }

    /** heatmap, offset, logSize, boxes, mask as libtorch-owned tensors (safe to keep for backward). */
    public NDList toNDList(NDManager manager) {
        return new NDList(
                Tensors.fromFloats(manager, heatmap, new Shape(batch, numClasses, height, width)),
                Tensors.fromFloats(manager, offset, new Shape(batch, 2, height, width)),
                Tensors.fromFloats(manager, logSize, new Shape(batch, 2, height, width)),
                Tensors.fromFloats(manager, boxes, new Shape(batch, 4, height, width)),
                Tensors.fromFloats(manager, mask, new Shape(batch, 1, height, width)));
    }
}
