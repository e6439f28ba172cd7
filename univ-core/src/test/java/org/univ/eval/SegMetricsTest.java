package org.univ.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegMetricsTest {
    private static final double EPS = 1e-12;

    /**
     * Five classes: 0 and 1 ordinary, 2 only in the prediction, 3 only in the ground truth, 4 in neither (it is
     * predicted only at ignored pixels, which must not count).
     */
    private static final int[] TRUTH = {0, 0, 0, 1, 1, 1, 3, 3, 255, 255, 0, 1};
    private static final int[] PRED = {0, 0, 1, 1, 1, 2, 0, 1, 4, 2, 0, 1};

    @Test
    void mmsegSemanticsByHand() {
        SegMetrics metrics = new SegMetrics(5, 255);
        metrics.add(PRED, TRUTH);
        SegMetrics.Result r = metrics.result();
        // Labelled pixels (truth, pred): (0,0) (0,0) (0,1) (1,1) (1,1) (1,2) (3,0) (3,1) (0,0) (1,1) — 10 of 12.
        // area_label     c0: 4, c1: 4, c2: 0, c3: 2, c4: 0          (Σ 10)
        // area_pred      c0: 4 (pixels 0,1,6,10), c1: 5 (2,3,4,7,11), c2: 1 (5), c3: 0, c4: 0 (pixel 8 is ignored)
        // area_intersect c0: 3, c1: 3, c2: 0, c3: 0, c4: 0           (Σ 6)
        // area_union = pred + label − intersect: c0 4+4−3 = 5, c1 5+4−3 = 6, c2 1, c3 2, c4 0
        assertArrayEquals(new long[] {4, 4, 0, 2, 0}, r.areaLabel());
        assertArrayEquals(new long[] {4, 5, 1, 0, 0}, r.areaPred());
        assertArrayEquals(new long[] {3, 3, 0, 0, 0}, r.areaIntersect());
        assertArrayEquals(new long[] {5, 6, 1, 2, 0}, r.areaUnion());
        // IoU: 3/5, 3/6, 0/1 (only predicted), 0/2 (only in truth), 0/0 = NaN (absent from both)
        assertArrayEquals(new double[] {0.6, 0.5, 0.0, 0.0, Double.NaN}, r.iou(), EPS);
        // Acc: 3/4, 3/4, 0/0 = NaN (only predicted), 0/2 = 0, NaN
        assertArrayEquals(new double[] {0.75, 0.75, Double.NaN, 0.0, Double.NaN}, r.acc(), EPS);
        // mIoU = (0.6 + 0.5 + 0 + 0) / 4 = 0.275; mAcc = (0.75 + 0.75 + 0) / 3 = 0.5; aAcc = 6 / 10
        assertEquals(0.275, r.mIoU(), EPS);
        assertEquals(0.5, r.mAcc(), EPS);
        assertEquals(0.6, r.aAcc(), EPS);
        assertEquals(1, r.images());
    }

    @Test
    void twoImagesAccumulateLikeOneConcatenatedImageNotLikeAMeanOfImages() {
        // A: truth 0 0 1 1, pred 0 0 0 1 → c0 I 2 U 3, c1 I 1 U 2
        // B: truth 1 1 1 1, pred 1 1 1 0 → c0 I 0 U 1, c1 I 3 U 4
        // dataset: c0 I 2 U 4 → 0.5; c1 I 4 U 6 → 2/3; mIoU 7/12. Acc: c0 2/2 = 1, c1 4/6; aAcc 6/8.
        // A mean of per-image mIoUs would be ((2/3 + 1/2)/2 + (0 + 3/4)/2)/2 = 23/48 instead.
        int[] truthA = {0, 0, 1, 1};
        int[] predA = {0, 0, 0, 1};
        int[] truthB = {1, 1, 1, 1};
        int[] predB = {1, 1, 1, 0};
        SegMetrics twice = new SegMetrics(2, 255);
        twice.add(predA, truthA);
        twice.add(predB, truthB);
        SegMetrics once = new SegMetrics(2, 255);
        once.add(new int[] {0, 0, 0, 1, 1, 1, 1, 0}, new int[] {0, 0, 1, 1, 1, 1, 1, 1});
        SegMetrics.Result a = twice.result();
        SegMetrics.Result b = once.result();
        assertArrayEquals(b.iou(), a.iou(), 0);
        assertArrayEquals(b.acc(), a.acc(), 0);
        assertArrayEquals(b.areaUnion(), a.areaUnion());
        assertEquals(b.mIoU(), a.mIoU(), 0);
        assertEquals(b.mAcc(), a.mAcc(), 0);
        assertEquals(b.aAcc(), a.aAcc(), 0);
        assertEquals(7.0 / 12, a.mIoU(), EPS);
        assertArrayEquals(new double[] {0.5, 2.0 / 3}, a.iou(), EPS);
        assertEquals((1 + 4.0 / 6) / 2, a.mAcc(), EPS);
        assertEquals(0.75, a.aAcc(), EPS);
        assertNotEquals(23.0 / 48, a.mIoU(), 1e-3);
        assertEquals(2, a.images());
    }

    @Test
    void allIgnoreImageCountsNothing() {
        SegMetrics only = new SegMetrics(3, 255);
        only.add(new int[] {0, 1, 2, 2}, new int[] {255, 255, 255, 255});
        SegMetrics.Result empty = only.result();
        // nothing labelled: every denominator is 0, so every score is NaN (np.nanmean of all-NaN is NaN)
        assertArrayEquals(new long[3], empty.areaPred());
        assertTrue(Double.isNaN(empty.mIoU()) && Double.isNaN(empty.mAcc()) && Double.isNaN(empty.aAcc()));
        Map<String, Object> map = empty.toMap();
        assertNull(map.get("mIoU"));
        assertNull(map.get("aAcc"));
        assertEquals(Arrays.asList(null, null, null), map.get("IoU"));

        // with a real image, an all-ignore image changes nothing but the image count
        SegMetrics with = new SegMetrics(5, 255);
        with.add(PRED, TRUTH);
        with.add(new int[] {4, 4, 2}, new int[] {255, 255, 255});
        SegMetrics without = new SegMetrics(5, 255);
        without.add(PRED, TRUTH);
        assertArrayEquals(without.result().iou(), with.result().iou(), 0);
        assertArrayEquals(without.result().areaPred(), with.result().areaPred());
        assertEquals(without.result().aAcc(), with.result().aAcc(), 0);
        assertEquals(2, with.images());
    }

    @Test
    void ndArrayBatchEqualsImageByImage() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two 2x3 maps: the first is the 12-pixel fixture's first half, the second its second half
            int[] pred = PRED.clone();
            int[] truth = TRUTH.clone();
            SegMetrics fromArrays = new SegMetrics(5, 255);
            fromArrays.add(Arrays.copyOfRange(pred, 0, 6), Arrays.copyOfRange(truth, 0, 6));
            fromArrays.add(Arrays.copyOfRange(pred, 6, 12), Arrays.copyOfRange(truth, 6, 12));
            SegMetrics fromNd = new SegMetrics(5, 255);
            fromNd.add(m.create(pred, new Shape(2, 2, 3)), m.create(truth, new Shape(2, 2, 3)).toType(
                    DataType.UINT8, false));
            assertArrayEquals(fromArrays.result().iou(), fromNd.result().iou(), 0);
            assertArrayEquals(fromArrays.result().acc(), fromNd.result().acc(), 0);
            assertEquals(2, fromNd.images());
            assertEquals(0.275, fromNd.result().mIoU(), EPS);
            assertThrows(IllegalArgumentException.class,
                    () -> fromNd.add(m.zeros(new Shape(2, 2, 3)), m.zeros(new Shape(2, 3, 2))));
        }
    }

    @Test
    void badValuesAreRejectedAndLeaveTheTotalsUntouched() {
        SegMetrics metrics = new SegMetrics(3, 255);
        metrics.add(new int[] {0, 1}, new int[] {0, 1});
        IllegalArgumentException truth = assertThrows(IllegalArgumentException.class,
                () -> metrics.add(new int[] {0, 0}, new int[] {1, 7}));
        assertTrue(truth.getMessage().contains("7") && truth.getMessage().contains("ignore index 255"));
        assertThrows(IllegalArgumentException.class, () -> metrics.add(new int[] {3, 0}, new int[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> metrics.add(new int[] {0}, new int[] {0, 0}));
        assertArrayEquals(new long[] {1, 1, 0}, metrics.result().areaLabel());
        assertEquals(1, metrics.images());
        assertThrows(IllegalArgumentException.class, () -> new SegMetrics(3, 2));
        assertThrows(IllegalArgumentException.class, () -> new SegMetrics(0, 255));
    }

    @Test
    void tableAndJson() throws Exception {
        SegMetrics metrics = new SegMetrics(5, 255);
        metrics.add(PRED, TRUTH);
        SegMetrics.Result r = metrics.result();
        String table = r.table(new String[] {"road", "car", "person", "bike", "sky"});
        System.out.print(table);
        assertTrue(table.contains("| road   |   60.00 |   75.00 |"), table);
        assertTrue(table.contains("| person |    0.00 |     nan |"), table);
        assertTrue(table.contains("| sky    |     nan |     nan |"), table);
        assertTrue(table.contains("aAcc 60.00  mIoU 27.50  mAcc 50.00"), table);
        assertTrue(r.table(null).contains("class 4"));
        assertThrows(IllegalArgumentException.class, () -> r.table(new String[] {"a"}));

        String json = new ObjectMapper().writeValueAsString(r.toMap());
        Map<?, ?> back = new ObjectMapper().readValue(json, Map.class);
        assertEquals(0.275, ((Number) back.get("mIoU")).doubleValue(), EPS);
        assertEquals(Arrays.asList(0.75, 0.75, null, 0.0, null), back.get("Acc"));
        assertEquals(10, ((Number) back.get("labelled_pixels")).intValue());
        assertEquals(List.of("aAcc", "mIoU", "mAcc", "IoU", "Acc", "images", "labelled_pixels"),
                List.copyOf(r.toMap().keySet()));
    }
}
