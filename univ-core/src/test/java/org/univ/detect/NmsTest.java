package org.univ.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NmsTest {
    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void anOverlappingBoxOfTheSameClassIsSuppressed() {
        // A [0,0,10,10] .9; B [1,1,11,11] .8: 9·9 / (100 + 100 − 81) = 81/119 ≈ .68 > .5 → dropped; C apart .7
        NDArray boxes = boxes(0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30);
        long[] keep = Nms.builder().build().apply(boxes, scores(0.9f, 0.8f, 0.7f), classes(0, 0, 0));
        assertArrayEquals(new long[] {0, 2}, keep);
    }

    @Test
    void differentClassesDoNotSuppressEachOther() {
        NDArray boxes = boxes(0, 0, 10, 10, 1, 1, 11, 11);
        assertArrayEquals(new long[] {0, 1}, Nms.builder().build().apply(boxes, scores(0.9f, 0.8f), classes(0, 1)));
        // float class labels work alike
        assertArrayEquals(new long[] {0, 1}, Nms.builder().build().apply(boxes, scores(0.9f, 0.8f),
                m.create(new float[] {3, 7})));
        // without classes NMS is across classes
        assertArrayEquals(new long[] {0}, Nms.builder().build().apply(boxes, scores(0.9f, 0.8f), null));
    }

    @Test
    void suppressionIsGreedyInScoreOrder() {
        // A [0,0,10,10] .9, B [3,0,13,10] .8, C [6,0,16,10] .7
        // A–B: 70 / 130 ≈ .54 > .5 → B dropped; A–C: 40 / 160 = .25 → C kept, although B–C is .54 (B is gone)
        NDArray boxes = boxes(6, 0, 16, 10, 0, 0, 10, 10, 3, 0, 13, 10); // input order C, A, B
        long[] keep = Nms.builder().build().apply(boxes, scores(0.7f, 0.9f, 0.8f), classes(1, 1, 1));
        assertArrayEquals(new long[] {1, 0}, keep); // A then C: highest score first
    }

    @Test
    void anIouEqualToTheThresholdIsKept() {
        // [0,0,4,1] and [0,0,2,1]: 2 / (4 + 2 − 2) = .5 exactly; dropped only when IoU > threshold
        NDArray boxes = boxes(0, 0, 4, 1, 0, 0, 2, 1);
        NDArray s = scores(0.9f, 0.8f);
        NDArray c = classes(0, 0);
        assertArrayEquals(new long[] {0, 1}, Nms.builder().optIouThreshold(0.5).build().apply(boxes, s, c));
        assertArrayEquals(new long[] {0}, Nms.builder().optIouThreshold(0.49).build().apply(boxes, s, c));
    }

    @Test
    void emptyInputAndEverythingBelowTheScoreThreshold() {
        NDArray none = m.zeros(new Shape(0, 4));
        assertArrayEquals(new long[0], Nms.builder().build().apply(none, m.zeros(new Shape(0)),
                m.zeros(new Shape(0))));
        NDArray boxes = boxes(0, 0, 1, 1, 5, 5, 6, 6);
        assertArrayEquals(new long[0], Nms.builder().optScoreThreshold(0.95).build().apply(boxes,
                scores(0.9f, 0.2f), classes(0, 0)));
        assertArrayEquals(new long[] {0}, Nms.builder().optScoreThreshold(0.9).build().apply(boxes,
                scores(0.9f, 0.2f), classes(0, 0))); // ≥ the score threshold stays
    }

    @Test
    void topKBeforeAndMaxDetectionsAfter() {
        // A [0,0,10,10] .9, B on A .8, C apart .7, D apart .6
        NDArray boxes = boxes(0, 0, 10, 10, 1, 1, 11, 11, 20, 0, 30, 10, 40, 0, 50, 10);
        NDArray s = scores(0.9f, 0.8f, 0.7f, 0.6f);
        NDArray c = classes(0, 0, 0, 0);
        assertArrayEquals(new long[] {0, 2, 3}, Nms.builder().build().apply(boxes, s, c));
        // top 2 candidates are A and B; B is suppressed; C and D never were candidates
        assertArrayEquals(new long[] {0}, Nms.builder().optTopK(2).build().apply(boxes, s, c));
        // at most 2 survivors: A, C
        assertArrayEquals(new long[] {0, 2}, Nms.builder().optMaxDetections(2).build().apply(boxes, s, c));
        assertArrayEquals(new long[0], Nms.builder().optMaxDetections(0).build().apply(boxes, s, c));
    }

    @Test
    void equalScoresKeepIndexOrder() {
        NDArray boxes = boxes(0, 0, 1, 1, 5, 5, 6, 6, 10, 10, 11, 11);
        assertArrayEquals(new long[] {0, 1, 2}, Nms.builder().build().apply(boxes, scores(0.5f, 0.5f, 0.5f),
                classes(0, 0, 0)));
        // identical boxes with equal scores: the first is kept
        NDArray same = boxes(0, 0, 1, 1, 0, 0, 1, 1);
        assertArrayEquals(new long[] {0}, Nms.builder().build().apply(same, scores(0.5f, 0.5f), classes(2, 2)));
    }

    @Test
    void badShapesAreRejected() {
        NDArray boxes = boxes(0, 0, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> Nms.builder().build().apply(boxes, scores(0.5f, 0.4f),
                null));
        assertThrows(IllegalArgumentException.class, () -> Nms.builder().build().apply(m.zeros(new Shape(1, 5)),
                scores(0.5f), null));
        assertThrows(IllegalArgumentException.class, () -> Nms.builder().build().apply(boxes, scores(Float.NaN),
                null));
        assertThrows(IllegalArgumentException.class, () -> Nms.builder().optIouThreshold(1.5));
    }

    private NDArray boxes(float... xyxy) {
        return m.create(xyxy, new Shape(xyxy.length / 4, 4));
    }

    private NDArray scores(float... s) {
        return m.create(s);
    }

    private NDArray classes(int... c) {
        return m.create(c);
    }
}
