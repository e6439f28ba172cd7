package org.univ.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Semantic-segmentation scores accumulated over a whole dataset (METHOD.md §7), with the semantics of
 * mmsegmentation 1.x {@code IoUMetric} ({@code mmseg/evaluation/metrics/iou_metric.py}:
 * {@code intersect_and_union} per image, summed, then {@code total_area_to_metrics} and {@code np.nanmean}),
 * which are those of 0.x {@code mmseg/core/evaluation/metrics.py} ({@code total_intersect_and_union},
 * {@code total_area_to_metrics}) without label maps or {@code reduce_zero_label}:
 * <ul>
 *   <li>pixels whose ground truth is the ignore index are dropped from every count;</li>
 *   <li>per class c, over all images: area_intersect (pred = truth = c), area_pred_label, area_label and
 *       area_union = area_pred_label + area_label − area_intersect;</li>
 *   <li>IoU_c = intersect/union and Acc_c = intersect/area_label, NaN when the denominator is 0 (a class absent
 *       from both prediction and truth has IoU and Acc NaN; a class only in the prediction has IoU 0, Acc NaN; a
 *       class only in the truth has IoU 0, Acc 0);</li>
 *   <li>aAcc = Σ intersect / Σ area_label; mIoU and mAcc = mean over the classes whose value is not NaN.</li>
 * </ul>
 * Differences, on purpose: values are fractions in [0, 1] and unrounded (mmseg prints ×100 rounded to two
 * decimals, as {@link Result#table} does); counts are exact {@code long}s; a prediction outside {@code [0, K)} or
 * a truth value that is neither a class nor the ignore index is an error here, where mmseg's {@code torch.histc}
 * silently leaves it out of the histograms.
 */
public final class SegMetrics {
    private final int numClasses;
    private final int ignoreIndex;
    private final long[] areaIntersect;
    private final long[] areaPred;
    private final long[] areaLabel;
    private long images;

    /**
     * @param numClasses  K, classes are {@code 0..K-1}
     * @param ignoreIndex ground-truth value of unlabelled pixels (255 in mmseg); must not be a class
     */
    public SegMetrics(int numClasses, int ignoreIndex) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0, got " + numClasses);
        }
        if (ignoreIndex >= 0 && ignoreIndex < numClasses) {
            throw new IllegalArgumentException("ignore index " + ignoreIndex + " is one of the " + numClasses
                    + " classes; use a value outside [0, " + numClasses + "), e.g. 255");
        }
        this.numClasses = numClasses;
        this.ignoreIndex = ignoreIndex;
        this.areaIntersect = new long[numClasses];
        this.areaPred = new long[numClasses];
        this.areaLabel = new long[numClasses];
    }

    public int numClasses() {
        return numClasses;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    /** Adds one image (or any set of pixels): predicted and true classes, pixel for pixel. */
    public void add(int[] pred, int[] truth) {
        if (pred.length != truth.length) {
            throw new IllegalArgumentException("prediction has " + pred.length + " pixels but the ground truth has "
                    + truth.length + "; resize the prediction to the mask size before scoring");
        }
        // checked before counting so that a bad image leaves the totals untouched
        for (int p = 0; p < pred.length; p++) {
            if (truth[p] != ignoreIndex && (truth[p] < 0 || truth[p] >= numClasses)) {
                throw new IllegalArgumentException("ground truth value " + truth[p] + " at pixel " + p + " is neither a"
                        + " class in [0, " + numClasses + ") nor the ignore index " + ignoreIndex
                        + "; remap the mask values or fix numClasses / ignoreIndex");
            }
            if (pred[p] < 0 || pred[p] >= numClasses) {
                throw new IllegalArgumentException("predicted class " + pred[p] + " at pixel " + p + " is outside [0, "
                        + numClasses + ")");
            }
        }
        for (int p = 0; p < pred.length; p++) {
            int t = truth[p];
            if (t == ignoreIndex) {
                continue;
            }
            areaLabel[t]++;
            areaPred[pred[p]]++;
            if (pred[p] == t) {
                areaIntersect[t]++;
            }
        }
        images++;
    }

    /**
     * Adds a batch of class maps {@code [B, H, W]} (or one map {@code [H, W]}), any integer type; each of the B
     * maps counts as one image.
     */
    public void add(NDArray pred, NDArray truth) {
        Shape ps = pred.getShape();
        if (!ps.equals(truth.getShape()) || ps.dimension() < 2 || ps.dimension() > 3) {
            throw new IllegalArgumentException("expected prediction and ground truth [B, H, W] (or [H, W]) of the same"
                    + " shape, got " + ps + " and " + truth.getShape());
        }
        int[] p = pred.toType(DataType.INT32, false).toIntArray();
        int[] t = truth.toType(DataType.INT32, false).toIntArray();
        int maps = ps.dimension() == 3 ? (int) ps.get(0) : 1;
        int pixels = maps == 0 ? 0 : p.length / maps;
        for (int b = 0; b < maps; b++) {
            add(Arrays.copyOfRange(p, b * pixels, (b + 1) * pixels),
                    Arrays.copyOfRange(t, b * pixels, (b + 1) * pixels));
        }
    }

    /** Images (maps) added so far. */
    public long images() {
        return images;
    }

    /** The scores of everything added so far. */
    public Result result() {
        long[] union = new long[numClasses];
        double[] iou = new double[numClasses];
        double[] acc = new double[numClasses];
        long sumIntersect = 0;
        long sumLabel = 0;
        for (int c = 0; c < numClasses; c++) {
            union[c] = areaPred[c] + areaLabel[c] - areaIntersect[c];
            iou[c] = ratio(areaIntersect[c], union[c]);
            acc[c] = ratio(areaIntersect[c], areaLabel[c]);
            sumIntersect += areaIntersect[c];
            sumLabel += areaLabel[c];
        }
        return new Result(iou, acc, nanMean(iou), nanMean(acc), ratio(sumIntersect, sumLabel), areaIntersect.clone(),
                union, areaPred.clone(), areaLabel.clone(), images);
    }

    private static double ratio(long num, long den) {
        return den == 0 ? Double.NaN : (double) num / den;
    }

    /** {@code np.nanmean}: NaN when every value is NaN. */
    static double nanMean(double[] v) {
        double sum = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                sum += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * Scores of a dataset; fractions in [0, 1], NaN where undefined.
     *
     * @param iou           per-class IoU
     * @param acc           per-class accuracy (recall)
     * @param mIoU          mean IoU over classes with a defined IoU
     * @param mAcc          mean accuracy over classes with a defined accuracy
     * @param aAcc          labelled pixels predicted correctly / labelled pixels
     * @param areaIntersect per-class pixels with prediction = truth = c
     * @param areaUnion     per-class pixels with prediction = c or truth = c
     * @param areaPred      per-class labelled pixels predicted as c
     * @param areaLabel     per-class pixels whose truth is c
     * @param images        images scored
     */
    public record Result(double[] iou, double[] acc, double mIoU, double mAcc, double aAcc, long[] areaIntersect,
                         long[] areaUnion, long[] areaPred, long[] areaLabel, long images) {

        /** Scores by name for JSON (NaN → null, since JSON has none); per-class lists in class order. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("aAcc", finiteOrNull(aAcc));
            m.put("mIoU", finiteOrNull(mIoU));
            m.put("mAcc", finiteOrNull(mAcc));
            m.put("IoU", finiteOrNull(iou));
            m.put("Acc", finiteOrNull(acc));
            m.put("images", images);
            long labelled = 0;
            for (long a : areaLabel) {
                labelled += a;
            }
            m.put("labelled_pixels", labelled);
            return m;
        }

        /**
         * A text table as mmseg prints it: one row per class (IoU and Acc in percent, two decimals, "nan" where
         * undefined), then aAcc, mIoU and mAcc.
         *
         * @param classNames K names, or null for "class 0", "class 1", …
         */
        public String table(String[] classNames) {
            int k = iou.length;
            if (classNames != null && classNames.length != k) {
                throw new IllegalArgumentException(classNames.length + " class names given for " + k + " classes");
            }
            List<String> names = new ArrayList<>();
            int width = "Class".length();
            for (int c = 0; c < k; c++) {
                String n = classNames == null ? "class " + c : classNames[c];
                names.add(n);
                width = Math.max(width, n.length());
            }
            String rowFormat = "| %-" + width + "s | %7s | %7s |%n";
            String rule = "+" + "-".repeat(width + 2) + "+---------+---------+" + System.lineSeparator();
            StringBuilder sb = new StringBuilder(rule);
            sb.append(String.format(Locale.ROOT, rowFormat, "Class", "IoU", "Acc")).append(rule);
            for (int c = 0; c < k; c++) {
                sb.append(String.format(Locale.ROOT, rowFormat, names.get(c), percent(iou[c]), percent(acc[c])));
            }
            sb.append(rule);
            sb.append(String.format(Locale.ROOT, "aAcc %s  mIoU %s  mAcc %s  (%d images)%n", percent(aAcc),
                    percent(mIoU), percent(mAcc), images));
            return sb.toString();
        }

        private static String percent(double v) {
            return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.2f", v * 100);
        }

        private static Double finiteOrNull(double v) {
            return Double.isFinite(v) ? v : null;
        }

        private static List<Double> finiteOrNull(double[] v) {
            List<Double> out = new ArrayList<>(v.length);
            for (double x : v) {
                out.add(finiteOrNull(x));
            }
            return out;
        }
    }
}
