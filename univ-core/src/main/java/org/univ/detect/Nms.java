package org.univ.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Class-wise greedy non-maximum suppression, torchvision's {@code batched_nms} semantics: boxes of different classes
 * never suppress each other; within a class, going down the scores, a box is dropped when its IoU with a box already
 * kept is <em>greater</em> than the threshold (an IoU equal to the threshold is kept).
 *
 * <p>Steps: optional score threshold; candidates sorted by score (stable: equal scores keep index order) and cut to
 * the top k; one [C, C] IoU matrix on the NDArray side ({@link Boxes#iou}), masked to same-class pairs and
 * thresholded there; the greedy loop over that boolean matrix in Java (it is sequential by nature); stop at the
 * maximum number of detections. Masking by class replaces the usual trick of offsetting each class's boxes by
 * class × (max coordinate + 1): same cost, but exact, where large offsets lose float32 precision.
 */
public final class Nms {
    private final double iouThreshold;
    private final double scoreThreshold;
    private final int topK;
    private final int maxDetections;

    private Nms(Builder b) {
        this.iouThreshold = b.iouThreshold;
        this.scoreThreshold = b.scoreThreshold;
        this.topK = b.topK;
        this.maxDetections = b.maxDetections;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The boxes that survive, as indices into the inputs, highest score first.
     *
     * @param boxes   [N, 4] corners x1, y1, x2, y2
     * @param scores  [N]
     * @param classes [N] class of each box (any numeric type), or null to suppress across classes
     */
    public long[] apply(NDArray boxes, NDArray scores, NDArray classes) {
        Shape bs = boxes.getShape();
        long n = bs.dimension() == 2 ? bs.get(0) : -1;
        if (n < 0 || bs.get(1) != 4 || !scores.getShape().equals(new Shape(n))
                || (classes != null && !classes.getShape().equals(new Shape(n)))) {
            throw new IllegalArgumentException("expected boxes [N, 4], scores [N] and classes [N], got " + bs + ", "
                    + scores.getShape() + " and " + (classes == null ? "no classes" : classes.getShape()));
        }
        double[] s = scores.toType(DataType.FLOAT64, false).toDoubleArray();
        // compared in the scores' precision, as PyTorch compares a tensor with a Python number (0.9f ≥ 0.9)
        double minScore = scores.getDataType() == DataType.FLOAT64 ? scoreThreshold : (float) scoreThreshold;
        int[] candidates = candidates(s, minScore);
        int c = candidates.length;
        if (c == 0 || maxDetections == 0) {
            return new long[0];
        }
        boolean[] overlaps; // [C, C]: same class and IoU > threshold
        try (NDScope scope = new NDScope()) {
            NDArray index = boxes.getManager().create(Arrays.stream(candidates).asLongStream().toArray());
            NDArray picked = boxes.get(new NDIndex("{}", index));
            if (!picked.getDataType().isFloating()) {
                picked = picked.toType(DataType.FLOAT32, false);
            }
            NDArray over = Boxes.iou(picked, picked).gt(iouThreshold);
            if (classes != null) {
                NDArray cls = classes.get(new NDIndex("{}", index));
                over = over.logicalAnd(cls.expandDims(1).eq(cls.expandDims(0)));
            }
            overlaps = over.toBooleanArray();
        }
        boolean[] removed = new boolean[c];
        long[] keep = new long[Math.min(c, maxDetections)];
        int kept = 0;
        for (int i = 0; i < c && kept < keep.length; i++) {
            if (removed[i]) {
                continue;
            }
            keep[kept++] = candidates[i];
            for (int j = i + 1; j < c; j++) {
                if (overlaps[i * c + j]) {
                    removed[j] = true;
                }
            }
        }
        return Arrays.copyOf(keep, kept);
    }

    /** Indices with a score at or above the threshold, highest score first (stable), at most top k. */
    private int[] candidates(double[] s, double minScore) {
        int m = 0;
        Integer[] idx = new Integer[s.length];
        for (int i = 0; i < s.length; i++) {
            if (Double.isNaN(s[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN; NMS needs scores it can rank");
            }
            if (s[i] >= minScore) {
                idx[m++] = i;
            }
        }
        Integer[] passing = Arrays.copyOf(idx, m);
        Arrays.sort(passing, (x, y) -> Double.compare(s[y], s[x])); // object sort is stable
        int k = Math.min(m, topK);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = passing[i];
        }
        return out;
    }

    /** Settings of {@link Nms}. */
    public static final class Builder {
        private double iouThreshold = 0.5;
        private double scoreThreshold = Double.NEGATIVE_INFINITY;
        private int topK = Integer.MAX_VALUE;
        private int maxDetections = Integer.MAX_VALUE;

        private Builder() {}

        /** IoU above which a lower-scored box of the same class is dropped (default 0.5). */
        public Builder optIouThreshold(double iouThreshold) {
            if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
                throw new IllegalArgumentException("IoU threshold must be in [0, 1], got " + iouThreshold);
            }
            this.iouThreshold = iouThreshold;
            return this;
        }

        /** Boxes scoring below this are dropped first (default: none). */
        public Builder optScoreThreshold(double scoreThreshold) {
            this.scoreThreshold = scoreThreshold;
            return this;
        }

        /** Candidates kept before suppression, by score (default: all); bounds the [k, k] IoU matrix. */
        public Builder optTopK(int topK) {
            if (topK <= 0) {
                throw new IllegalArgumentException("top k must be > 0, got " + topK);
            }
            this.topK = topK;
            return this;
        }

        /** Boxes returned at most (default: all); COCO scores 100 per image and category. */
        public Builder optMaxDetections(int maxDetections) {
            if (maxDetections < 0) {
                throw new IllegalArgumentException("max detections must be ≥ 0, got " + maxDetections);
            }
            this.maxDetections = maxDetections;
            return this;
        }

        public Nms build() {
            return new Nms(this);
        }
    }
}
