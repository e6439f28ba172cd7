package org.univ.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.univ.eval.CocoDetection;
import org.univ.eval.CocoEval;
import org.univ.eval.CocoGroundTruth;
import org.univ.eval.CocoResult;

/** CenterNet targets, loss terms and decoding against values worked out by hand. */
class CenterNetTest {
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
    void gaussianRadiusIsCenterNetsSmallestRoot() {
        // h 2, w 4, overlap .7: the third quadratic 2.8 r² − 8.4 r − 2.4 = 0 → r = (−(−8.4) ... )/2 as CenterNet writes
        // it: b3 = −2·.7·6 = −8.4, c3 = −.3·8 = −2.4, r3 = (−8.4 + √(70.56 + 26.88)) / 2 = (−8.4 + 9.8712) / 2
        assertEquals((-8.4 + Math.sqrt(70.56 + 4 * 2.8 * 2.4)) / 2, CenterNetTargets.gaussianRadius(2, 4, 0.7), 1e-12);
        assertEquals(0.7355850717012267, CenterNetTargets.gaussianRadius(2, 4, 0.7), 1e-12);
        assertEquals(2.1865604245452097, CenterNetTargets.gaussianRadius(8, 8, 0.7), 1e-12);
    }

    @Test
    void oneBoxEncodesPeakOffsetLogSizeAndGaussian() {
        // stride 8, box (10, 20)-(74, 84): centre (42, 52) px = (5.25, 6.5) cells → peak (5, 6), offset (.25, .5),
        // size 8 × 8 cells → log 8; radius int(2.1866) = 2, σ = 5/6
        CenterNetTargets t = CenterNetTargets.encode(List.of(List.of(new DetectionDataset.Box(1, 10, 20, 74, 84))),
                2, 12, 10, 8);
        int plane = 12 * 10;
        int cell = 6 * 10 + 5;
        assertEquals(1f, t.heatmap()[plane + cell]);                 // class 1
        assertEquals(0f, t.heatmap()[cell]);                         // class 0 untouched
        double sigma = 5.0 / 6;
        assertEquals(Math.exp(-1 / (2 * sigma * sigma)), t.heatmap()[plane + cell + 1], 1e-6);
        assertEquals(Math.exp(-8 / (2 * sigma * sigma)), t.heatmap()[plane + cell - 22], 1e-6); // (−2, −2)
        assertEquals(0f, t.heatmap()[plane + cell + 3]);             // beyond the radius
        assertEquals(0.25f, t.offset()[cell], 1e-6);
        assertEquals(0.5f, t.offset()[plane + cell], 1e-6);
        assertEquals(Math.log(8), t.logSize()[cell], 1e-6);
        assertEquals(Math.log(8), t.logSize()[plane + cell], 1e-6);
        assertEquals(10f, t.boxes()[cell]);
        assertEquals(84f, t.boxes()[3 * plane + cell]);
        assertEquals(1f, t.mask()[cell]);
        assertEquals(1, t.peaks());
    }

    @Test
    void focalLossMatchesTheFormulaByHand() {
        // targets [1, .5, 0], logits [2, −1, .5]; α 2, β 4; one positive
        double[] z = {2, -1, 0.5};
        double[] p = new double[3];
        for (int i = 0; i < 3; i++) {
            p[i] = 1 / (1 + Math.exp(-z[i]));
        }
        double pos = Math.log(p[0]) * Math.pow(1 - p[0], 2);
        double neg1 = Math.pow(1 - 0.5, 4) * Math.pow(p[1], 2) * Math.log(1 - p[1]);
        double neg2 = Math.pow(1 - 0, 4) * Math.pow(p[2], 2) * Math.log(1 - p[2]);
        double expected = -(pos + neg1 + neg2);
        NDArray logits = m.create(new float[] {2, -1, 0.5f}, new Shape(1, 1, 1, 3));
        NDArray target = m.create(new float[] {1, 0.5f, 0}, new Shape(1, 1, 1, 3));
        assertEquals(expected, CenterNetLoss.focal(logits, target, 2, 4).getFloat(), 1e-6);
        // no positive: normalised by 1; β = 2 changes only the negative weights
        NDArray none = m.create(new float[] {0.5f, 0.5f, 0}, new Shape(1, 1, 1, 3));
        double expected2 = -(Math.pow(0.5, 2) * Math.pow(p[0], 2) * Math.log(1 - p[0]) + Math.pow(0.5, 2)
                * Math.pow(p[1], 2) * Math.log(1 - p[1]) + Math.pow(p[2], 2) * Math.log(1 - p[2]));
        assertEquals(expected2, CenterNetLoss.focal(logits, none, 2, 2).getFloat(), 1e-6);
    }

    @Test
    void l1AndGiouTermsUseOnlyThePeakCells() {
        // 1×2 grid, stride 8; peak at cell 0 only
        DetectionConfig cfg = DetectionConfig.builder().optLossWeights(1, 1, 1, 2).build();
        NDArray heatLogits = m.create(new float[] {0, 0}, new Shape(1, 1, 1, 2));
        NDArray offset = m.create(new float[] {0.5f, 9, 0.5f, 9}, new Shape(1, 2, 1, 2));   // x: .5, 9; y: .5, 9
        NDArray logSize = m.create(new float[] {0, 5, 0.1f, 5}, new Shape(1, 2, 1, 2));
        NDList targets = new NDList(
                m.create(new float[] {1, 0}, new Shape(1, 1, 1, 2)),
                m.create(new float[] {0.25f, 0, 0.25f, 0}, new Shape(1, 2, 1, 2)),
                m.create(new float[] {0, 0, 0, 0}, new Shape(1, 2, 1, 2)),
                m.create(new float[] {2, 0, 2, 0, 10, 0, 10, 0}, new Shape(1, 4, 1, 2)),
                m.create(new float[] {1, 0}, new Shape(1, 1, 1, 2)));
        CenterNetLoss.Terms t = new CenterNetLoss(cfg).compute(
                new CenterNetHead.HeadOutput(heatLogits, offset, logSize), targets, 8);
        assertEquals((0.25 + 0.25) / 2, t.offset().getFloat(), 1e-6);        // |.5 − .25| twice over 2 values
        assertEquals((0 + 0.1) / 2, t.size().getFloat(), 1e-6);               // |0 − 0| + |.1 − 0|
        // predicted box: centre (.5·8, .5·8) = (4, 4), size (8, 8·e^.1) → (0, 4 − 4e^.1)-(8, 4 + 4e^.1); truth (2, 2)-(10, 10)
        double h = 8 * Math.exp(0.1);
        double y1 = 4 - h / 2;
        double y2 = 4 + h / 2;
        double inter = (8 - 2) * (y2 - 2);
        double union = 8 * h + 64 - inter;
        double enclosing = 10 * (10 - y1);
        double giou = inter / union - (enclosing - union) / enclosing;
        assertEquals(1 - giou, t.giou().getFloat(), 1e-5);
        double focal = t.focal().getFloat();
        assertEquals(focal + 0.25 + 0.05 + 2 * (1 - giou), t.total().getFloat(), 1e-5);
    }

    @Test
    void perfectHeadMapsDecodeToTheBoxesAndCocoApOne() {
        // two images, three objects, two classes, 96 × 64 input, stride 8 → 12 × 8 cells
        List<List<DetectionDataset.Box>> boxes = List.of(
                List.of(new DetectionDataset.Box(0, 10.5, 12.25, 30, 40), new DetectionDataset.Box(1, 50, 8, 90, 24)),
                List.of(new DetectionDataset.Box(1, 3, 30, 41, 61.5)));
        CenterNetTargets t = CenterNetTargets.encode(boxes, 2, 8, 12, 8);
        NDList maps = t.toNDList(m);
        NDArray heat = maps.get(0).clip(1e-6f, 1 - 1e-6f);
        NDArray logits = heat.div(heat.neg().add(1)).log();                  // logit of the target heatmap
        DetectionConfig cfg = DetectionConfig.builder().optSize(96, 64).build();
        List<List<Detection>> found = new CenterNetDecoder(cfg).decode(
                new CenterNetHead.HeadOutput(logits, maps.get(1), maps.get(2)), 8, 96, 64);
        List<CocoGroundTruth.Annotation> anns = new ArrayList<>();
        List<CocoDetection> dets = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            for (DetectionDataset.Box b : boxes.get(i)) {
                anns.add(new CocoGroundTruth.Annotation(i + 1, b.classIndex(), b.toCoco()));
                Detection d = found.get(i).stream().filter(x -> x.classIndex() == b.classIndex()
                        && Math.abs(x.x1() - b.x1()) < 1e-3).findFirst().orElseThrow(() -> new AssertionError(
                        "no detection for " + b));
                assertEquals(b.y1(), d.y1(), 1e-3);
                assertEquals(b.x2(), d.x2(), 1e-3);
                assertEquals(b.y2(), d.y2(), 1e-3);
                assertTrue(d.score() > 0.99, "peak score " + d.score());
            }
            found.get(i).forEach(d -> dets.add(d.toCoco(0, 0)));
        }
        List<CocoDetection> withIds = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            long id = i + 1;
            found.get(i).forEach(d -> withIds.add(d.toCoco(id, d.classIndex())));
        }
        CocoGroundTruth gt = new CocoGroundTruth(List.of(1L, 2L),
                List.of(new CocoGroundTruth.Category(0, "a"), new CocoGroundTruth.Category(1, "b")), anns);
        CocoResult r = CocoEval.evaluate(gt, withIds);
        assertEquals(1.0, r.stat("AP"), 1e-12);
        assertEquals(1.0, r.stat("AP50"), 1e-12);
        assertTrue(found.get(0).size() <= cfg.maxDetections());
    }

    @Test
    void decodingKeepsAtMostMaxDetectionsAndClipsToTheImage() {
        // every cell a peak candidate: a flat heatmap where each cell equals its neighbours → all are "peaks"
        DetectionConfig cfg = DetectionConfig.builder().optSize(32, 32).optMaxDetections(5).optTopK(10).build();
        NDArray logits = m.zeros(new Shape(1, 1, 4, 4));
        NDArray offset = m.zeros(new Shape(1, 2, 4, 4));
        NDArray logSize = m.full(new Shape(1, 2, 4, 4), 3f);                  // 8·e³ ≈ 160 px: far beyond the image
        List<Detection> found = new CenterNetDecoder(cfg.toBuilder().optNmsIou(1).build())
                .decode(new CenterNetHead.HeadOutput(logits, offset, logSize), 8, 32, 32).get(0);
        assertEquals(5, found.size());
        for (Detection d : found) {
            assertTrue(d.x1() >= 0 && d.y1() >= 0 && d.x2() <= 32 && d.y2() <= 32, d.toString());
        }
    }
}
