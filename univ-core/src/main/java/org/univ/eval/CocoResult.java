package org.univ.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link CocoEval#evaluate} found: pycocotools' {@code eval['precision']} [T, R, K, A, M] and
 * {@code eval['recall']} [T, K, A, M] (T IoU thresholds, R = 101 recall points, K categories ascending by id,
 * A = {@link CocoEval.Area} in declaration order, M = maxDets 1/10/100), -1 where a category has no object to find,
 * and the 12 summary numbers of {@code COCOeval.stats}.
 */
public final class CocoResult {
    /** The names of {@link #stats()}, in pycocotools' order. */
    public static final List<String> STAT_NAMES = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10",
            "AR100", "ARs", "ARm", "ARl");

    /** Per-category scores at area all, maxDets 100 (-1 for a category without objects). */
    public record ClassResult(int id, String name, int groundTruths, int detections, double ap, double ap50,
                              double ap75) {}

    /** Flat indices of the precision and recall arrays. */
    record Layout(int classes, int areas, int maxDets) {
        int precision(int t, int r, int k, int a, int m) {
            return (((t * CocoEval.RECALL_THRESHOLDS.length + r) * classes + k) * areas + a) * maxDets + m;
        }

        int recall(int t, int k, int a, int m) {
            return ((t * classes + k) * areas + a) * maxDets + m;
        }
    }

    private final List<CocoGroundTruth.Category> categories;
    private final double[] precision;
    private final double[] recall;
    private final Layout at;
    private final int[] gtCounts;
    private final int[] dtCounts;
    private final int images;
    private final int annotations;
    private final int detections;
    private final double[] stats;

    CocoResult(List<CocoGroundTruth.Category> categories, double[] precision, double[] recall, int[] gtCounts,
               int[] dtCounts, int images, int annotations, int detections) {
        this.categories = List.copyOf(categories);
        this.precision = precision;
        this.recall = recall;
        this.at = new Layout(categories.size(), CocoEval.Area.values().length, CocoEval.MAX_DETS.length);
        this.gtCounts = gtCounts;
        this.dtCounts = dtCounts;
        this.images = images;
        this.annotations = annotations;
        this.detections = detections;
        int all = -1;
        int iou50 = 0;
        int iou75 = 5;
        int last = CocoEval.MAX_DETS.length - 1;
        this.stats = new double[] {
            meanAp(all, CocoEval.Area.ALL, last), meanAp(iou50, CocoEval.Area.ALL, last),
            meanAp(iou75, CocoEval.Area.ALL, last), meanAp(all, CocoEval.Area.SMALL, last),
            meanAp(all, CocoEval.Area.MEDIUM, last), meanAp(all, CocoEval.Area.LARGE, last),
            meanAr(CocoEval.Area.ALL, 0), meanAr(CocoEval.Area.ALL, 1), meanAr(CocoEval.Area.ALL, last),
            meanAr(CocoEval.Area.SMALL, last), meanAr(CocoEval.Area.MEDIUM, last), meanAr(CocoEval.Area.LARGE, last)};
    }

    /** AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl ({@link #STAT_NAMES}); -1 where undefined. */
    public double[] stats() {
        return stats.clone();
    }

    /** One of the 12 numbers by its name in {@link #STAT_NAMES}. */
    public double stat(String name) {
        int i = STAT_NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no COCO statistic \"" + name + "\"; one of " + STAT_NAMES);
        }
        return stats[i];
    }

    /** The categories, ascending by id (the K axis). */
    public List<CocoGroundTruth.Category> categories() {
        return categories;
    }

    /** The 101-point interpolated precision of category k (index into {@link #categories()}); all -1 if it has no object. */
    public double[] precisionCurve(int iouIndex, int k, CocoEval.Area area, int maxDetsIndex) {
        double[] out = new double[CocoEval.RECALL_THRESHOLDS.length];
        for (int r = 0; r < out.length; r++) {
            out[r] = precision[at.precision(iouIndex, r, k, area.ordinal(), maxDetsIndex)];
        }
        return out;
    }

    /** The final recall of category k; -1 if it has no object. */
    public double recall(int iouIndex, int k, CocoEval.Area area, int maxDetsIndex) {
        return recall[at.recall(iouIndex, k, area.ordinal(), maxDetsIndex)];
    }

    /**
     * AP of category k: mean precision over the recall points and the IoU thresholds (one threshold when
     * {@code iouIndex} ≥ 0, all when -1), at area all and maxDets 100; -1 if the category has no object.
     */
    public double classAp(int k, int iouIndex) {
        return mean(iouIndex, k, k + 1, CocoEval.Area.ALL, CocoEval.MAX_DETS.length - 1, true);
    }

    /** AP, AP50 and AP75 of every category (area all, maxDets 100), with object and detection counts. */
    public List<ClassResult> perClass() {
        List<ClassResult> out = new ArrayList<>();
        for (int k = 0; k < categories.size(); k++) {
            CocoGroundTruth.Category c = categories.get(k);
            out.add(new ClassResult(c.id(), c.name(), gtCounts[k], dtCounts[k], classAp(k, -1), classAp(k, 0),
                    classAp(k, 5)));
        }
        return out;
    }

    /** The 12 lines {@code COCOeval.summarize()} prints, formatted the same way (three decimals, round half even). */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        String[] iou = {"0.50:0.95", "0.50", "0.75", "0.50:0.95", "0.50:0.95", "0.50:0.95"};
        String[] area = {"all", "all", "all", "small", "medium", "large", "all", "all", "all", "small", "medium",
            "large"};
        int[] maxDets = {100, 100, 100, 100, 100, 100, 1, 10, 100, 100, 100, 100};
        for (int i = 0; i < 12; i++) {
            boolean ap = i < 6;
            sb.append(String.format(Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s%n",
                    ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", ap ? iou[i] : "0.50:0.95",
                    area[i], maxDets[i], format(stats[i])));
        }
        return sb.toString();
    }

    /** A table of AP, AP50 and AP75 per category (area all, maxDets 100), -1 for categories without objects. */
    public String perClassTable() {
        int width = "category".length();
        for (CocoGroundTruth.Category c : categories) {
            width = Math.max(width, c.name().length());
        }
        String row = "%-" + width + "s %8s %8s %8s %8s %8s %8s%n";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, row, "category", "id", "objects", "dets", "AP",
                "AP50", "AP75"));
        for (ClassResult c : perClass()) {
            sb.append(String.format(Locale.ROOT, row, c.name(), c.id(), c.groundTruths(), c.detections(),
                    format(c.ap()), format(c.ap50()), format(c.ap75())));
        }
        return sb.toString();
    }

    /** The 12 numbers by name, counts and the per-category table, for JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < STAT_NAMES.size(); i++) {
            m.put(STAT_NAMES.get(i), stats[i]);
        }
        m.put("images", images);
        m.put("categories", categories.size());
        m.put("annotations", annotations);
        m.put("detections", detections);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ClassResult c : perClass()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", c.id());
            r.put("name", c.name());
            r.put("objects", c.groundTruths());
            r.put("detections", c.detections());
            r.put("AP", c.ap());
            r.put("AP50", c.ap50());
            r.put("AP75", c.ap75());
            rows.add(r);
        }
        m.put("per_class", rows);
        return m;
    }

    @Override
    public String toString() {
        return summary();
    }

    private double meanAp(int iouIndex, CocoEval.Area area, int maxDetsIndex) {
        return mean(iouIndex, 0, categories.size(), area, maxDetsIndex, true);
    }

    private double meanAr(CocoEval.Area area, int maxDetsIndex) {
        return mean(-1, 0, categories.size(), area, maxDetsIndex, false);
    }

    /** {@code np.mean(s[s > -1])} over the selected thresholds, (recall points,) and categories; -1 if none. */
    private double mean(int iouIndex, int kFrom, int kTo, CocoEval.Area area, int m, boolean ap) {
        int t0 = iouIndex < 0 ? 0 : iouIndex;
        int t1 = iouIndex < 0 ? CocoEval.IOU_THRESHOLDS.length : iouIndex + 1;
        int points = ap ? CocoEval.RECALL_THRESHOLDS.length : 1;
        double sum = 0;
        long n = 0;
        for (int t = t0; t < t1; t++) {
            for (int r = 0; r < points; r++) {
                for (int k = kFrom; k < kTo; k++) {
                    double v = ap ? precision[at.precision(t, r, k, area.ordinal(), m)]
                            : recall[at.recall(t, k, area.ordinal(), m)];
                    if (v > -1) {
                        sum += v;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    /** Python's {@code '{:0.3f}'.format(v)}: the exact binary value rounded half to even. */
    static String format(double v) {
        return new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
    }
}
