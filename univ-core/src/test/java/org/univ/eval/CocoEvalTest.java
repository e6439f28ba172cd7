package org.univ.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.eval.CocoGroundTruth.Annotation;
import org.univ.eval.CocoGroundTruth.Category;

/**
 * COCO box evaluation on cases small enough to work out by hand. Boxes are 100×100 (area 10 000 > 96², "large")
 * unless a case says otherwise, so APs and APm are -1 there (no object in range).
 */
class CocoEvalTest {
    private static final double TOL = 1e-12;
    private static final List<Category> ONE_CLASS = List.of(new Category(1, "car"));

    @TempDir
    Path dir;

    @Test
    void perfectDetectionsScoreOneAtEveryThreshold() {
        // two images, one object each, each found exactly (IoU 1 ≥ every threshold, 0.95 included)
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0), obj(2, 1, 50, 50)), 1, 2);
        CocoResult r = CocoEval.evaluate(gt, List.of(det(1, 1, 0, 0, 0.9), det(2, 1, 50, 50, 0.8)));
        // ranks: TP, TP → recall .5, 1; precision 1, 1 (1/(1+2⁻⁵²) ≈ 1) → every one of the 101 points is 1
        double[] expected = {1, 1, 1, -1, -1, 1, 1, 1, 1, -1, -1, 1};
        assertArrayEquals(expected, r.stats(), TOL);
        for (int t = 0; t < 10; t++) {
            assertEquals(1.0, r.recall(t, 0, CocoEval.Area.ALL, 2), TOL);
        }
        assertEquals(1.0, r.perClass().get(0).ap(), TOL);
    }

    @Test
    void aFalsePositiveAboveTheTruePositivesCapsPrecision() {
        // 2 objects; ranks: FP (0.9), TP (0.8), TP (0.7)
        // TP cum 0,1,2; FP cum 1,1,1 → recall 0, .5, 1; precision 0, 1/2, 2/3
        // made non-increasing from the right: 2/3, 2/3, 2/3 → all 101 points 2/3 → AP = 2/3
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0), obj(1, 1, 200, 0)), 1);
        CocoResult r = CocoEval.evaluate(gt, List.of(det(1, 1, 400, 400, 0.9), det(1, 1, 0, 0, 0.8),
                det(1, 1, 200, 0, 0.7)));
        assertEquals(2.0 / 3, r.stat("AP"), TOL);
        assertEquals(2.0 / 3, r.stat("AP50"), TOL);
        assertEquals(1.0, r.stat("AR100"), TOL);
        // AR1 cuts each image to its top detection, the FP: recall 0
        assertEquals(0.0, r.stat("AR1"), TOL);
        assertEquals(1.0, r.stat("AR10"), TOL);
    }

    @Test
    void aFalsePositiveBetweenTruePositivesIsInterpolatedOver101Points() {
        // 2 objects; ranks: TP (0.9), FP (0.8), TP (0.7)
        // TP cum 1,1,2; FP cum 0,1,1 → recall .5, .5, 1; precision 1, 1/2, 2/3 → from the right: 1, 2/3, 2/3
        // recall points 0, .01 … .50 (51 points) reach rank 1 → 1; .51 … 1 (50 points) reach rank 3 → 2/3
        // AP = (51·1 + 50·2/3) / 101 = 84.333… / 101 = 0.834983…
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0), obj(1, 1, 200, 0)), 1);
        CocoResult r = CocoEval.evaluate(gt, List.of(det(1, 1, 0, 0, 0.9), det(1, 1, 400, 400, 0.8),
                det(1, 1, 200, 0, 0.7)));
        double ap = (51 + 50 * 2.0 / 3) / 101;
        assertEquals(ap, r.stat("AP"), TOL);
        double[] curve = r.precisionCurve(0, 0, CocoEval.Area.ALL, 2);
        assertEquals(1.0, curve[50], TOL);
        assertEquals(2.0 / 3, curve[51], TOL);
        assertEquals(2.0 / 3, curve[100], TOL);
    }

    @Test
    void aMissedObjectHalvesRecall() {
        // 2 objects, one found: recall .5, precision 1 → points 0 … .50 (51) are 1, the 50 above are 0
        // AP = 51/101 = 0.50495…; AR = .5
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0), obj(1, 1, 200, 0)), 1);
        CocoResult r = CocoEval.evaluate(gt, List.of(det(1, 1, 0, 0, 0.9)));
        assertEquals(51.0 / 101, r.stat("AP"), TOL);
        assertEquals(0.5, r.stat("AR100"), TOL);
        assertEquals(0.5, r.recall(9, 0, CocoEval.Area.ALL, 2), TOL);
    }

    @Test
    void twoClassesAreAveraged() {
        // class 1: perfect → AP 1; class 2: one of two objects found → AP 51/101
        // AP = (1 + 51/101) / 2 = 152/202 = 0.752475…; AR = (1 + .5) / 2 = .75
        List<Category> cats = List.of(new Category(1, "car"), new Category(2, "person"));
        CocoGroundTruth gt = truth(cats, List.of(obj(1, 1, 0, 0), obj(1, 2, 200, 0), obj(1, 2, 400, 0)), 1);
        CocoResult r = CocoEval.evaluate(gt, List.of(det(1, 1, 0, 0, 0.5), det(1, 2, 200, 0, 0.9)));
        assertEquals(152.0 / 202, r.stat("AP"), TOL);
        assertEquals(0.75, r.stat("AR100"), TOL);
        assertEquals(1.0, r.perClass().get(0).ap(), TOL);
        assertEquals(51.0 / 101, r.perClass().get(1).ap50(), TOL);
        assertEquals(2, r.perClass().get(1).groundTruths());
    }

    @Test
    void aDuplicateDetectionIsAFalsePositive() {
        // objects A, B; ranks: A (0.9) TP, A again (0.8) FP: A is taken, B does not overlap, B (0.7) TP
        // → the TP, FP, TP curve: AP = (51 + 50·2/3) / 101
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0), obj(1, 1, 200, 0)), 1);
        CocoResult r = CocoEval.evaluate(gt, List.of(det(1, 1, 0, 0, 0.9), det(1, 1, 2, 2, 0.8),
                det(1, 1, 200, 0, 0.7)));
        assertEquals((51 + 50 * 2.0 / 3) / 101, r.stat("AP50"), TOL);
    }

    @Test
    void detectionsOnAnImageWithoutObjectsAreFalsePositives() {
        // image 1: one object, found (0.8); image 2: nothing, one detection (0.9)
        // ranks over both images: FP (0.9), TP (0.8) → precision 0, 1/2 → from the right 1/2, 1/2 → AP = .5
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0)), 1, 2);
        CocoResult r = CocoEval.evaluate(gt, List.of(det(1, 1, 0, 0, 0.8), det(2, 1, 0, 0, 0.9)));
        assertEquals(0.5, r.stat("AP"), TOL);
        assertEquals(1.0, r.stat("AR100"), TOL);
    }

    @Test
    void onlyTheTop100DetectionsOfAnImageAndCategoryCount() {
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0)), 1);
        // 99 false positives above the true positive: TP at rank 100 → precision there 1/100, recall 1
        // → every point 0.01 → AP = .01; AR100 = 1 but AR10 = AR1 = 0 (the TP is not among the first 10)
        List<CocoDetection> dts = falsePositives(99, 0.9);
        dts.add(det(1, 1, 0, 0, 0.5));
        CocoResult r = CocoEval.evaluate(gt, dts);
        assertEquals(0.01, r.stat("AP"), TOL);
        assertEquals(1.0, r.stat("AR100"), TOL);
        assertEquals(0.0, r.stat("AR10"), TOL);
        // one more false positive above it: the TP is 101st and is cut → AP 0, AR100 0 (were it kept: 1/101)
        dts.add(det(1, 1, 900, 900, 0.99));
        r = CocoEval.evaluate(gt, dts);
        assertEquals(0.0, r.stat("AP"), TOL);
        assertEquals(0.0, r.stat("AR100"), TOL);
    }

    @Test
    void theCutIsPerCategoryNotPerImage() {
        // 150 false positives of class 1 score above the one detection of class 2 on the same image; COCO cuts
        // each (image, category) to 100, so class 2's detection stays: class 2 AP 1; class 1 has no object (-1)
        List<Category> cats = List.of(new Category(1, "car"), new Category(2, "person"));
        CocoGroundTruth gt = truth(cats, List.of(obj(1, 2, 0, 0)), 1);
        List<CocoDetection> dts = falsePositives(150, 0.9);
        dts.add(det(1, 2, 0, 0, 0.1));
        CocoResult r = CocoEval.evaluate(gt, dts);
        assertEquals(1.0, r.stat("AP"), TOL);
        assertEquals(-1.0, r.perClass().get(0).ap());
        assertEquals(150, r.perClass().get(0).detections());
    }

    @Test
    void aCategoryWithoutObjectsIsLeftOutOfTheMean() {
        // class 1 perfect; class 3 has no object, only a false positive → -1, not in the mean → AP 1
        List<Category> cats = List.of(new Category(3, "bike"), new Category(1, "car"));
        CocoGroundTruth gt = truth(cats, List.of(obj(1, 1, 0, 0)), 1);
        CocoResult r = CocoEval.evaluate(gt, List.of(det(1, 1, 0, 0, 0.9), det(1, 3, 300, 300, 0.95)));
        assertEquals(1.0, r.stat("AP"), TOL);
        assertEquals(1.0, r.stat("AR100"), TOL);
        // categories are ordered by id: car (1) first
        assertEquals("car", r.categories().get(0).name());
        CocoResult.ClassResult bike = r.perClass().get(1);
        assertEquals(-1.0, bike.ap());
        assertEquals(-1.0, bike.ap50());
        String table = r.perClassTable();
        assertTrue(table.lines().anyMatch(l -> l.startsWith("bike") && l.contains("-1.000")), table);
    }

    @Test
    void smallMediumAndLargeAreSplitByTheObjectsArea() {
        // objects: small 20×20 (400), medium 50×50 (2500), large 100×100 (10 000)
        // detections: small exact (0.9), large exact (0.8), a 10×10 false positive (0.7, area 100); medium missed
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(box(1, 0, 0, 20, 20), box(1, 100, 0, 50, 50),
                box(1, 200, 0, 100, 100)), 1);
        List<CocoDetection> dts = List.of(boxDet(0, 0, 20, 20, 0.9), boxDet(200, 0, 100, 100, 0.8),
                boxDet(500, 500, 10, 10, 0.7));
        CocoResult r = CocoEval.evaluate(gt, dts);
        // all: 3 objects; TP, TP, FP → recall 1/3, 2/3, 2/3; precision 1, 1, 2/3 → from the right 1, 1, 2/3
        // points 0 … .66 (67 of them) reach recall 2/3 → 1; .67 … 1 are never reached → 0: AP = 67/101
        assertEquals(67.0 / 101, r.stat("AP"), TOL);
        assertEquals(2.0 / 3, r.stat("AR100"), TOL);
        // small: only the small object counts; the large detection hits an ignored object (ignored), the 10×10
        // false positive is in range and counts: TP, ignored, FP → precision 1, 1, 1/2 → recall 1 at rank 1 → 1
        assertEquals(1.0, r.stat("APs"), TOL);
        assertEquals(1.0, r.stat("ARs"), TOL);
        // medium: the medium object is missed; both hits are on ignored objects and the false positive's area
        // (100) is outside [32², 96²] so it is ignored too → no TP: AP 0, AR 0
        assertEquals(0.0, r.stat("APm"), TOL);
        assertEquals(0.0, r.stat("ARm"), TOL);
        // large: ignored (small hit), TP, ignored → precision after the TP is 1 → AP 1
        assertEquals(1.0, r.stat("APl"), TOL);
        assertEquals(1.0, r.stat("ARl"), TOL);
    }

    @Test
    void areaRangesUseTheAnnotationAreaAndIncludeTheirEnds() {
        // a 40×40 box (box area 1600, medium) whose annotation area is 900 (small) counts as small
        CocoGroundTruth gt = new CocoGroundTruth(List.of(1L), ONE_CLASS,
                List.of(new Annotation(1, 1, new CocoBox(0, 0, 40, 40), 900, false)));
        CocoResult r = CocoEval.evaluate(gt, List.of(boxDet(0, 0, 40, 40, 0.9)));
        assertEquals(1.0, r.stat("APs"), TOL);
        assertEquals(-1.0, r.stat("APm"), TOL); // the only object is ignored there and so is its detection
        // an object of area exactly 32² = 1024 is both small and medium (COCO's bounds are inclusive)
        gt = truth(ONE_CLASS, List.of(box(1, 0, 0, 32, 32)), 1);
        r = CocoEval.evaluate(gt, List.of(boxDet(0, 0, 32, 32, 0.9)));
        assertEquals(1.0, r.stat("APs"), TOL);
        assertEquals(1.0, r.stat("APm"), TOL);
        assertEquals(-1.0, r.stat("APl"), TOL);
    }

    @Test
    void crowdRegionsAbsorbDetectionsMeasuredByTheDetectionArea() {
        // object A [0,0,100,100]; crowd region [200,0,200,200]
        // detections: D1 [180,0,40,40] (0.95): half inside the crowd: 20·40 = 800 of its 1600 → crowd IoU .5
        //   (with the union it would be 800 / (1600 + 40000 − 800) ≈ .02); A exact (0.9);
        //   D2, D3 inside the crowd (0.8, 0.7): crowd IoU 1, the crowd takes both
        CocoGroundTruth gt = new CocoGroundTruth(List.of(1L), ONE_CLASS, List.of(obj(1, 1, 0, 0),
                new Annotation(1, 1, new CocoBox(200, 0, 200, 200), 40000, true)));
        List<CocoDetection> dts = List.of(boxDet(180, 0, 40, 40, 0.95), det(1, 1, 0, 0, 0.9),
                boxDet(210, 10, 50, 50, 0.8), boxDet(300, 100, 50, 50, 0.7));
        CocoResult r = CocoEval.evaluate(gt, dts);
        // t = .50: D1 ignored (crowd IoU .5 ≥ .5), A TP, D2 D3 ignored → precision 1 → AP 1
        // t ≥ .55: D1 FP, A TP → precision 0, 1/2 → 1/2 everywhere → AP .5
        // AP = (1 + 9·.5) / 10 = .55; AP75 = .5; the crowd is not an object to find: recall 1
        assertEquals(1.0, r.stat("AP50"), TOL);
        assertEquals(0.5, r.stat("AP75"), TOL);
        assertEquals(0.55, r.stat("AP"), TOL);
        assertEquals(1.0, r.stat("AR100"), TOL);
        assertEquals(1, r.perClass().get(0).groundTruths()); // crowd regions are not counted as objects
    }

    @Test
    void anIouOfExactlyOneHalfMatchesAtTheHalfThreshold() {
        // [0,0,50,100] against [0,0,100,100]: 5000 / (5000 + 10000 − 5000) = 0.5 exactly; COCO matches IoU ≥ t
        // t = .5: TP → all points 1; t ≥ .55: FP → all 0. AP = 1/10, AP50 = 1, AP75 = 0, AR = 1/10
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0)), 1);
        CocoResult r = CocoEval.evaluate(gt, List.of(boxDet(0, 0, 50, 100, 0.9)));
        assertEquals(1.0, r.stat("AP50"), TOL);
        assertEquals(0.0, r.stat("AP75"), TOL);
        assertEquals(0.1, r.stat("AP"), TOL);
        assertEquals(0.1, r.stat("AR100"), TOL);
    }

    @Test
    void withoutObjectsEveryNumberIsMinusOne() {
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(), 1);
        CocoResult r = CocoEval.evaluate(gt, List.of(det(1, 1, 0, 0, 0.9)));
        for (double s : r.stats()) {
            assertEquals(-1.0, s);
        }
        // no detections at all: recall 0, AP 0
        r = CocoEval.evaluate(truth(ONE_CLASS, List.of(obj(1, 1, 0, 0)), 1), List.of());
        assertEquals(0.0, r.stat("AP"));
        assertEquals(0.0, r.stat("AR100"));
    }

    @Test
    void thresholdsAreNumpysLinspace() {
        double[] t = CocoEval.iouThresholds();
        assertEquals(10, t.length);
        assertEquals(0.5, t[0]);
        assertEquals(0.75, t[5]);
        assertEquals(0.8999999999999999, t[8]); // np.linspace(.5, .95, 10)[8]
        double[] r = CocoEval.recallThresholds();
        assertEquals(101, r.length);
        assertEquals(0.5700000000000001, r[57]); // np.linspace(0, 1, 101)[57]
        assertEquals(1.0, r[100]);
    }

    @Test
    void summaryIsFormattedLikePycocotools() {
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0)), 1);
        String s = CocoEval.evaluate(gt, List.of(det(1, 1, 0, 0, 0.9))).summary();
        List<String> lines = s.lines().toList();
        assertEquals(12, lines.size());
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000", lines.get(0));
        assertEquals(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000", lines.get(1));
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000", lines.get(3));
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 1.000", lines.get(6));
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000", lines.get(10));
        // Python rounds the exact binary value half to even: '{:0.3f}'.format(0.0625) == '0.062'
        assertEquals("0.062", CocoResult.format(0.0625));
        assertEquals("0.835", CocoResult.format((51 + 50 * 2.0 / 3) / 101));
    }

    @Test
    void toMapHasTheTwelveNumbersAndPerClassRows() {
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0), obj(1, 1, 200, 0)), 1);
        var m = CocoEval.evaluate(gt, List.of(det(1, 1, 0, 0, 0.9))).toMap();
        assertEquals(CocoResult.STAT_NAMES, m.keySet().stream().limit(12).toList());
        assertEquals(51.0 / 101, (double) m.get("AP"), TOL);
        assertEquals(1, ((List<?>) m.get("per_class")).size());
        assertEquals(1, m.get("detections"));
    }

    @Test
    void readsCocoJsonAndDefaultsAreaAndCrowd() throws Exception {
        Path gtFile = dir.resolve("gt.json");
        Files.writeString(gtFile, """
                {"images": [{"id": 7, "file_name": "a.png"}, {"id": 3}],
                 "categories": [{"id": 2, "name": "person"}],
                 "annotations": [
                   {"id": 1, "image_id": 7, "category_id": 2, "bbox": [10, 10, 20, 20]},
                   {"id": 2, "image_id": 3, "category_id": 2, "bbox": [0, 0, 100, 100], "area": 5000.5, "iscrowd": 1}
                 ]}""");
        CocoGroundTruth gt = CocoGroundTruth.read(gtFile);
        assertEquals(List.of(7L, 3L), gt.imageIds());
        assertEquals(400.0, gt.annotations().get(0).area()); // no "area": the box's
        assertEquals(false, gt.annotations().get(0).crowd()); // no "iscrowd": not crowd
        assertEquals(5000.5, gt.annotations().get(1).area());
        assertEquals(true, gt.annotations().get(1).crowd());

        Path dtFile = dir.resolve("dt.json");
        CocoDetection.write(dtFile, List.of(new CocoDetection(7, 2, new CocoBox(10, 10, 20, 20), 0.75)));
        List<CocoDetection> dts = CocoDetection.read(dtFile);
        assertEquals(List.of(new CocoDetection(7, 2, new CocoBox(10, 10, 20, 20), 0.75)), dts);
        assertEquals(1.0, CocoEval.evaluate(gt, dts).stat("AP"), TOL);
    }

    @Test
    void badInputNamesTheFileAndTheFix() throws Exception {
        Path gtFile = dir.resolve("gt.json");
        Files.writeString(gtFile, """
                {"images": [{"id": 1}], "categories": [{"id": 1, "name": "car"}],
                 "annotations": [{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3]}]}""");
        var e = assertThrows(IllegalArgumentException.class, () -> CocoGroundTruth.read(gtFile));
        assertTrue(e.getMessage().contains("gt.json: annotations[0]") && e.getMessage().contains("[x, y, width, height]"),
                e.getMessage());
        Files.writeString(gtFile, """
                {"images": [{"id": 1}], "categories": [{"id": 1, "name": "car"}],
                 "annotations": [{"image_id": 9, "category_id": 1, "bbox": [1, 2, 3, 4]}]}""");
        e = assertThrows(IllegalArgumentException.class, () -> CocoGroundTruth.read(gtFile));
        assertTrue(e.getMessage().contains("image 9") && e.getMessage().contains("add it to \"images\""),
                e.getMessage());

        Path dtFile = dir.resolve("dt.json");
        Files.writeString(dtFile, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, -5, 5], \"score\": 0.5}]");
        e = assertThrows(IllegalArgumentException.class, () -> CocoDetection.read(dtFile));
        assertTrue(e.getMessage().contains("dt.json: [0]") && e.getMessage().contains("negative size"), e.getMessage());
        // the files swapped
        e = assertThrows(IllegalArgumentException.class, () -> CocoDetection.read(gtFile));
        assertTrue(e.getMessage().contains("ground-truth file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CocoGroundTruth.read(dtFile));
        assertTrue(e.getMessage().contains("results file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CocoGroundTruth.read(dir.resolve("none.json")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());

        // detections on an unknown image or category
        CocoGroundTruth gt = truth(ONE_CLASS, List.of(obj(1, 1, 0, 0)), 1);
        e = assertThrows(IllegalArgumentException.class, () -> CocoEval.evaluate(gt, List.of(det(5, 1, 0, 0, 1))));
        assertTrue(e.getMessage().contains("image 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CocoEval.evaluate(gt, List.of(det(1, 4, 0, 0, 1))));
        assertTrue(e.getMessage().contains("category 4") && e.getMessage().contains("category ids"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> det(1, 1, 0, 0, Double.NaN));
    }

    // --- helpers ---

    private static CocoGroundTruth truth(List<Category> cats, List<Annotation> anns, long... images) {
        List<Long> ids = new ArrayList<>();
        for (long i : images) {
            ids.add(i);
        }
        return new CocoGroundTruth(ids, cats, anns);
    }

    /** A 100×100 object at (x, y). */
    private static Annotation obj(long image, int cat, double x, double y) {
        return new Annotation(image, cat, new CocoBox(x, y, 100, 100));
    }

    private static Annotation box(long image, double x, double y, double w, double h) {
        return new Annotation(image, 1, new CocoBox(x, y, w, h));
    }

    /** A 100×100 detection at (x, y). */
    private static CocoDetection det(long image, int cat, double x, double y, double score) {
        return new CocoDetection(image, cat, new CocoBox(x, y, 100, 100), score);
    }

    private static CocoDetection boxDet(double x, double y, double w, double h, double score) {
        return new CocoDetection(1, 1, new CocoBox(x, y, w, h), score);
    }

    /** n class-1 detections on image 1, far from every object, scores from {@code top} down. */
    private static List<CocoDetection> falsePositives(int n, double top) {
        List<CocoDetection> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(det(1, 1, 1000 + 10 * i, 1000, top - i * 1e-3));
        }
        return out;
    }
}
