package org.univ.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * COCO box detection evaluation, written from the definition in pycocotools' {@code COCOeval} (iouType 'bbox',
 * default {@code Params}) and meant to give the same 12 numbers. What it follows, step by step:
 * <ol>
 *   <li><b>Sets.</b> Images: every id of the ground truth, ascending; categories: every ground-truth category,
 *       ascending by id. Detections and objects are grouped per (image, category).</li>
 *   <li><b>Per image and category</b> ({@code computeIoU}, {@code evaluateImg}): detections sorted by score,
 *       highest first, stable (numpy mergesort: ties keep file order), and cut to the first 100 (COCO cuts per image
 *       <em>and category</em>, not per image). IoU from the boxes ({@link CocoBox#iou}, pycocotools' {@code bbIou});
 *       for a crowd object the denominator is the detection's area. For each area range, objects that are crowd or
 *       whose {@code area} lies outside [lo, hi] (both ends inclusive, so an area of exactly 32² is both small and
 *       medium) are <em>ignored</em> and moved after the others (stable). For each IoU threshold t (0.50, 0.55 …
 *       0.95, as {@code np.linspace} makes them), each detection in score order takes, among the objects not yet
 *       taken (crowd objects can be taken many times), the one with the highest IoU ≥ t (≥: an IoU of exactly t
 *       matches; on equal IoU the later object wins, as in pycocotools' loop); once it holds a regular object it does
 *       not look at ignored ones. A detection that takes an ignored object is ignored; an unmatched detection whose
 *       box area ({@code w·h}) is outside the area range is ignored; the other unmatched ones are false
 *       positives.</li>
 *   <li><b>Per category, area range and maxDets ∈ {1, 10, 100}</b> ({@code accumulate}): the first maxDets
 *       detections of every (image, category), concatenated in image order and stably sorted by score; cumulative
 *       TP and FP counts (ignored detections count as neither); recall = TP / (objects not ignored), precision =
 *       TP / (TP + FP + 2⁻⁵²); precision made non-increasing from the right; for each of the 101 recall thresholds
 *       0, 0.01 … 1 the precision at the first rank whose recall reaches it ({@code searchsorted} left), 0 when
 *       none does. Recall = the final recall (0 without detections). A category without any non-ignored object in
 *       the range gets -1 for both.</li>
 *   <li><b>Summary</b> ({@code summarize}): each number is the mean over every entry that is not -1 (thresholds ×
 *       recall points × categories for AP, thresholds × categories for AR), -1 when all are; AP = .50:.95 area all
 *       maxDets 100, AP50/AP75 at one threshold, APs/m/l by area, AR1/AR10/AR100 by maxDets, ARs/m/l by area.</li>
 * </ol>
 * Where it differs, on purpose: an annotation without {@code area} gets its box area and one without
 * {@code iscrowd} is not crowd (pycocotools raises KeyError); a detection on an image or category that is not in the
 * ground truth is an error (pycocotools asserts on the image and silently drops the category); an empty results list
 * is evaluated (all zeros; pycocotools fails on it); annotation ids play no role (pycocotools would count a match
 * to an object whose id is 0 as a false positive). Like pycocotools, the {@code ignore} field of annotations is not
 * used (pycocotools overwrites it with {@code iscrowd}).
 */
public final class CocoEval {
    /** IoU thresholds .50:.05:.95 exactly as {@code np.linspace(.5, .95, 10)} makes them (0.9 is 0.8999…). */
    static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    /** Recall thresholds 0:.01:1 as {@code np.linspace(0, 1, 101)} makes them (0.57 is 0.5700…01). */
    static final double[] RECALL_THRESHOLDS = linspace(0, 1, 101);
    /** COCO's maxDets; the last one cuts the detections of each (image, category). */
    static final int[] MAX_DETS = {1, 10, 100};

    // detection states after matching, per IoU threshold
    private static final byte FALSE_POSITIVE = 0;
    private static final byte TRUE_POSITIVE = 1;
    private static final byte IGNORED = 2;

    /** COCO's area ranges, by the objects' {@code area} (and, for unmatched detections, the box area). */
    public enum Area {
        ALL("all", 0, 1e10), SMALL("small", 0, 32 * 32), MEDIUM("medium", 32 * 32, 96 * 96),
        LARGE("large", 96 * 96, 1e10);

        private final String label;
        private final double lo;
        private final double hi;

        Area(String label, double lo, double hi) {
            this.label = label;
            this.lo = lo;
            this.hi = hi;
        }

        public String label() {
            return label;
        }

        boolean outside(double area) {
            return area < lo || area > hi;
        }
    }

    private CocoEval() {}

    /** The IoU thresholds (10). */
    public static double[] iouThresholds() {
        return IOU_THRESHOLDS.clone();
    }

    /** The recall thresholds (101). */
    public static double[] recallThresholds() {
        return RECALL_THRESHOLDS.clone();
    }

    /** The maxDets settings {1, 10, 100}. */
    public static int[] maxDets() {
        return MAX_DETS.clone();
    }

    /**
     * Evaluates detections against the ground truth.
     *
     * @throws IllegalArgumentException when a detection is on an image or category the ground truth lacks
     */
    public static CocoResult evaluate(CocoGroundTruth gt, List<CocoDetection> detections) {
        long[] imageIds = gt.imageIds().stream().mapToLong(Long::longValue).sorted().toArray();
        List<CocoGroundTruth.Category> categories = new ArrayList<>(gt.categories());
        categories.sort(Comparator.comparingInt(CocoGroundTruth.Category::id));
        Map<Long, Integer> imageIndex = new HashMap<>();
        for (int i = 0; i < imageIds.length; i++) {
            imageIndex.put(imageIds[i], i);
        }
        Map<Integer, Integer> categoryIndex = new HashMap<>();
        for (int k = 0; k < categories.size(); k++) {
            categoryIndex.put(categories.get(k).id(), k);
        }
        int images = imageIds.length;
        int classes = categories.size();

        // group by (category, image), keeping input order inside a group
        Map<Long, Cell> cells = new HashMap<>();
        int[] gtCounts = new int[classes];
        int[] dtCounts = new int[classes];
        for (CocoGroundTruth.Annotation a : gt.annotations()) {
            int k = categoryIndex.get(a.categoryId());
            cells.computeIfAbsent(cellKey(k, imageIndex.get(a.imageId()), images), key -> new Cell()).gts.add(a);
            if (!a.crowd()) {
                gtCounts[k]++;
            }
        }
        for (int j = 0; j < detections.size(); j++) {
            CocoDetection d = detections.get(j);
            Integer i = imageIndex.get(d.imageId());
            Integer k = categoryIndex.get(d.categoryId());
            if (i == null) {
                throw new IllegalArgumentException("detection " + j + " is on image " + d.imageId() + ", which is not"
                        + " in the ground truth; evaluate results against the ground truth of the same images");
            }
            if (k == null) {
                throw new IllegalArgumentException("detection " + j + " has category " + d.categoryId() + ", which is"
                        + " not among the ground-truth categories " + categoryIndex.keySet()
                        + "; map the detector's class indices to the dataset's category ids");
            }
            cells.computeIfAbsent(cellKey(k, i, images), key -> new Cell()).dts.add(d);
            dtCounts[k]++;
        }

        // per category and area range, the evaluated (image, category) cells in image order
        Area[] areas = Area.values();
        List<List<ImageEval>> evals = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            for (int a = 0; a < areas.length; a++) {
                evals.add(new ArrayList<>());
            }
            for (int i = 0; i < images; i++) {
                Cell cell = cells.get(cellKey(k, i, images));
                if (cell == null) {
                    continue;
                }
                cell.prepare(MAX_DETS[MAX_DETS.length - 1]);
                for (int a = 0; a < areas.length; a++) {
                    evals.get(k * areas.length + a).add(cell.evaluate(areas[a]));
                }
            }
        }

        int t = IOU_THRESHOLDS.length;
        int r = RECALL_THRESHOLDS.length;
        int m = MAX_DETS.length;
        double[] precision = new double[t * r * classes * areas.length * m];
        double[] recall = new double[t * classes * areas.length * m];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        for (int k = 0; k < classes; k++) {
            for (int a = 0; a < areas.length; a++) {
                for (int mi = 0; mi < m; mi++) {
                    accumulate(evals.get(k * areas.length + a), MAX_DETS[mi], precision, recall,
                            new CocoResult.Layout(classes, areas.length, m), k, a, mi);
                }
            }
        }
        return new CocoResult(categories, precision, recall, gtCounts, dtCounts, images, gt.annotations().size(),
                detections.size());
    }

    private static long cellKey(int k, int i, int images) {
        return (long) k * images + i;
    }

    /** One category on one image. */
    private static final class Cell {
        final List<CocoGroundTruth.Annotation> gts = new ArrayList<>();
        List<CocoDetection> dts = new ArrayList<>();
        double[][] ious; // [D][G]

        void prepare(int maxDet) {
            List<CocoDetection> sorted = new ArrayList<>(dts);
            sorted.sort(BY_SCORE); // List.sort is stable
            dts = sorted.subList(0, Math.min(maxDet, sorted.size()));
            ious = new double[dts.size()][gts.size()];
            for (int d = 0; d < dts.size(); d++) {
                for (int g = 0; g < gts.size(); g++) {
                    ious[d][g] = dts.get(d).bbox().iou(gts.get(g).bbox(), gts.get(g).crowd());
                }
            }
        }

        /** pycocotools' {@code evaluateImg} for one area range. */
        ImageEval evaluate(Area area) {
            int nd = dts.size();
            int ng = gts.size();
            // regular objects first, ignored ones after, each in input order
            int[] order = new int[ng];
            boolean[] ignored = new boolean[ng]; // in that order
            int regular = 0;
            for (int pass = 0, o = 0; pass < 2; pass++) {
                for (int g = 0; g < ng; g++) {
                    CocoGroundTruth.Annotation a = gts.get(g);
                    boolean ign = a.crowd() || area.outside(a.area());
                    if (ign == (pass == 1)) {
                        ignored[o] = ign;
                        order[o++] = g;
                        regular += ign ? 0 : 1;
                    }
                }
            }
            int nt = IOU_THRESHOLDS.length;
            byte[] state = new byte[nt * nd];
            if (nd > 0 && ng > 0) {
                for (int t = 0; t < nt; t++) {
                    boolean[] taken = new boolean[ng];
                    for (int d = 0; d < nd; d++) {
                        double best = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
                        int match = -1;
                        for (int o = 0; o < ng; o++) {
                            int g = order[o];
                            if (taken[o] && !gts.get(g).crowd()) {
                                continue;
                            }
                            if (match > -1 && !ignored[match] && ignored[o]) {
                                break;
                            }
                            if (ious[d][g] < best) {
                                continue;
                            }
                            best = ious[d][g];
                            match = o;
                        }
                        if (match > -1) {
                            taken[match] = true;
                            state[t * nd + d] = ignored[match] ? IGNORED : TRUE_POSITIVE;
                        }
                    }
                }
            }
            double[] scores = new double[nd];
            for (int d = 0; d < nd; d++) {
                scores[d] = dts.get(d).score();
                if (area.outside(dts.get(d).bbox().area())) {
                    for (int t = 0; t < nt; t++) {
                        if (state[t * nd + d] == FALSE_POSITIVE) {
                            state[t * nd + d] = IGNORED;
                        }
                    }
                }
            }
            return new ImageEval(scores, state, regular);
        }
    }

    private static final Comparator<CocoDetection> BY_SCORE = (x, y) -> Double.compare(-x.score() + 0.0, -y.score() + 0.0);

    /**
     * @param scores  detection scores, highest first (at most 100)
     * @param state   [T, D] per IoU threshold and detection: false positive, true positive or ignored
     * @param regular objects not ignored
     */
    private record ImageEval(double[] scores, byte[] state, int regular) {}

    /** pycocotools' {@code accumulate} for one category, area range and maxDets. */
    private static void accumulate(List<ImageEval> evals, int maxDet, double[] precision, double[] recall,
                                   CocoResult.Layout at, int k, int a, int mi) {
        if (evals.isEmpty()) {
            return;
        }
        int regular = 0;
        int n = 0;
        for (ImageEval e : evals) {
            regular += e.regular();
            n += Math.min(maxDet, e.scores().length);
        }
        if (regular == 0) {
            return;
        }
        // concatenate the first maxDet detections of each image (image order), then sort by score, stable
        double[] scores = new double[n];
        int[] owner = new int[n];
        int[] rank = new int[n];
        int j = 0;
        for (int e = 0; e < evals.size(); e++) {
            int nd = Math.min(maxDet, evals.get(e).scores().length);
            for (int d = 0; d < nd; d++, j++) {
                scores[j] = evals.get(e).scores()[d];
                owner[j] = e;
                rank[j] = d;
            }
        }
        int[] byScore = stableDescending(scores);
        int nt = IOU_THRESHOLDS.length;
        double[] rc = new double[n];
        double[] pr = new double[n];
        double eps = Math.ulp(1.0); // np.spacing(1)
        for (int t = 0; t < nt; t++) {
            long tp = 0;
            long fp = 0;
            for (int s = 0; s < n; s++) {
                int o = byScore[s];
                ImageEval e = evals.get(owner[o]);
                byte st = e.state()[t * e.scores().length + rank[o]];
                if (st == TRUE_POSITIVE) {
                    tp++;
                } else if (st == FALSE_POSITIVE) {
                    fp++;
                }
                rc[s] = (double) tp / regular;
                pr[s] = tp / ((double) fp + tp + eps);
            }
            recall[at.recall(t, k, a, mi)] = n > 0 ? rc[n - 1] : 0;
            for (int s = n - 1; s > 0; s--) {
                if (pr[s] > pr[s - 1]) {
                    pr[s - 1] = pr[s];
                }
            }
            // first rank whose recall reaches each threshold (rc is non-decreasing); 0 past the last rank
            int s = 0;
            for (int ri = 0; ri < RECALL_THRESHOLDS.length; ri++) {
                while (s < n && rc[s] < RECALL_THRESHOLDS[ri]) {
                    s++;
                }
                precision[at.precision(t, ri, k, a, mi)] = s < n ? pr[s] : 0;
            }
        }
    }

    /** Indices that sort {@code v} from highest to lowest, equal values in index order (numpy's stable argsort of -v). */
    static int[] stableDescending(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Double.compare(-v[x] + 0.0, -v[y] + 0.0)); // object sort is stable
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** {@code np.linspace(start, stop, num)}: start + i·step, the last value exactly stop. */
    static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] out = new double[num];
        for (int i = 0; i < num; i++) {
            out[i] = i * step + start;
        }
        out[num - 1] = stop;
        return out;
    }
}
