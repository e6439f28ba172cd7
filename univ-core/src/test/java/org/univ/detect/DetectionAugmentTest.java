package org.univ.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.univ.data.Images.Planes;
import org.univ.data.IrScaling;
import org.univ.downstream.Modality;

/** Flip, scale jitter and token shifts move the boxes exactly with the pixels. */
class DetectionAugmentTest {
    private static final int W = 96;
    private static final int H = 64;

    /** A dark 120 × 80 grey image with bright rectangles where the boxes are. */
    private static Planes scene(List<DetectionDataset.Box> boxes) {
        float[] v = new float[120 * 80];
        java.util.Arrays.fill(v, 0.1f);
        for (DetectionDataset.Box b : boxes) {
            for (int y = (int) b.y1(); y < (int) b.y2(); y++) {
                for (int x = (int) b.x1(); x < (int) b.x2(); x++) {
                    v[y * 120 + x] = 0.9f;
                }
            }
        }
        return new Planes(v, 1, 80, 120);
    }

    @Test
    void jitteredAndFlippedBoxesStayOnTheirObjects() {
        List<DetectionDataset.Box> boxes = List.of(new DetectionDataset.Box(0, 10, 10, 40, 30),
                new DetectionDataset.Box(1, 70, 40, 110, 75));
        Planes image = scene(boxes);
        DetectionImages images = new DetectionImages(Modality.IR, new float[] {0}, new float[] {1}, IrScaling.minMax());
        SplittableRandom rng = new SplittableRandom(5);
        int flips = 0;
        for (int trial = 0; trial < 40; trial++) {
            DetectionAugment.Geometry g = DetectionAugment.Geometry.random(rng, 0.7, 1.3, 0.5, W, H);
            flips += g.flip() ? 1 : 0;
            float[] out = images.prepare(image, W, H, g);                     // [3, H, W], (x − .5338) / .2519
            List<DetectionDataset.Box> moved = DetectionAugment.apply(boxes, 120, 80, W, H, g);
            for (DetectionDataset.Box b : moved) {
                assertTrue(b.x1() >= 0 && b.y1() >= 0 && b.x2() <= W && b.y2() <= H, b.toString());
                // inside (1 px in from the edges, past the resampling blur): bright
                double inside = mean(out, b.x1() + 1.5, b.y1() + 1.5, b.x2() - 1.5, b.y2() - 1.5);
                assertTrue(inside > 0.5, g + " " + b + " inside " + inside);
            }
            // every bright pixel away from the window's border (where boxes under 1 px are dropped) lies in a moved
            // box, give or take the resampling filter's pixel
            for (int y = 1; y < H - 1; y++) {
                for (int x = 1; x < W - 1; x++) {
                    float v = out[y * W + x] * 0.2519f + 0.5338f;
                    if (v > 0.85f) {
                        int fx = x;
                        int fy = y;
                        assertTrue(moved.stream().anyMatch(b -> fx + 2 > b.x1() && fx - 1 < b.x2() && fy + 2 > b.y1()
                                && fy - 1 < b.y2()), g + ": bright pixel (" + x + ", " + y + ") outside every box");
                    }
                }
            }
        }
        assertTrue(flips > 5 && flips < 35, "flips " + flips);
    }

    private static double mean(float[] normalised, double x1, double y1, double x2, double y2) {
        double sum = 0;
        int n = 0;
        for (int y = (int) Math.ceil(y1); y < (int) Math.floor(y2); y++) {
            for (int x = (int) Math.ceil(x1); x < (int) Math.floor(x2); x++) {
                sum += normalised[y * W + x] * 0.2519 + 0.5338;
                n++;
            }
        }
        return n == 0 ? 1 : sum / n;
    }

    @Test
    void aTokenShiftMovesFeaturesAndBoxesTogether() {
        try (NDManager m = NDManager.newBaseManager()) {
            // a 1-channel 3 × 4 token map with one hot token at row 1, column 1 (pixels 16..32 at patch 16)
            float[] v = new float[12];
            v[4 + 1] = 1;
            NDArray map = m.create(v, new Shape(1, 3, 4));
            NDArray shifted = FeatureCache.shift(map, 2, -1);                  // right 2, up 1
            float[] s = shifted.toFloatArray();
            assertEquals(1f, s[3]);                                            // row 0, column 3
            assertEquals(1f, java.util.stream.IntStream.range(0, 12).mapToDouble(i -> s[i]).sum(), 0);
            DetectionDataset.Box b = DetectionAugment.translate(List.of(new DetectionDataset.Box(0, 18, 20, 30, 30)),
                    2 * 16, -16, 64, 48).get(0);
            assertEquals(50, b.x1());
            assertEquals(4, b.y1());
            double cx = (b.x1() + b.x2()) / 2 / 16;
            double cy = (b.y1() + b.y2()) / 2 / 16;
            assertEquals(3, (int) cx);                                         // the hot token's new cell
            assertEquals(0, (int) cy);
            // content pushed off the map is gone, boxes pushed off are dropped
            assertEquals(0f, FeatureCache.shift(map, 3, 0).sum().getFloat());
            assertTrue(DetectionAugment.translate(List.of(new DetectionDataset.Box(0, 18, 20, 30, 30)), 64, 0, 64, 48)
                    .isEmpty());
        }
    }
}
