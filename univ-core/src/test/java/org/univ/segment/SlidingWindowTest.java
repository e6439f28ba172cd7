package org.univ.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.univ.TestModels;
import org.univ.downstream.Modality;
import org.univ.model.VisionTransformer;
import org.univ.model.ViTConfig;

class SlidingWindowTest {

    @Test
    void windowOriginsFollowMmseg() {
        // h_grids = max(40 - 16 + 12 - 1, 0) // 12 + 1 = 3; the last window moves back to end at 40
        assertArrayEquals(new int[] {0, 12, 24}, SlidingWindow.starts(40, 16, 12));
        assertArrayEquals(new int[] {0}, SlidingWindow.starts(16, 16, 12));
        assertArrayEquals(new int[] {0}, SlidingWindow.starts(10, 16, 8));   // smaller than the crop: padded
        assertArrayEquals(new int[] {0, 16, 32, 48}, SlidingWindow.starts(64, 16, 16));
    }

    @Test
    void overlappingWindowsAreAveraged() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one row, 8 wide; windows of 4 every 2 → origins 0, 2, 4; window i scores (i+1) everywhere (2 classes: +, −)
            NDArray image = m.zeros(new Shape(1, 3, 1, 8));
            List<Integer> calls = new ArrayList<>();
            SlidingWindow w = new SlidingWindow(1, 4, 1, 2);
            NDArray scores = w.apply(image, crop -> {
                calls.add(calls.size());
                float v = calls.size();
                return crop.getManager().full(new Shape(1, 2, 1, 4), v);
            });
            assertEquals(3, calls.size());
            // by hand: x 0-1 only window 1 → 1; x 2-3 windows 1,2 → 1.5; x 4-5 windows 2,3 → 2.5; x 6-7 window 3 → 3
            float[] expected = {1, 1, 1.5f, 1.5f, 2.5f, 2.5f, 3, 3};
            float[] got = scores.toFloatArray();
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(got, 0, 8), 1e-6f);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(got, 8, 16), 1e-6f);
        }
    }

    @Test
    void windowsSeeTheirOwnPixels() {
        try (NDManager m = NDManager.newBaseManager()) {
            // the window function returns the crop's first channel as one class: stitching must give the image back
            float[] v = new float[3 * 5 * 7];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            NDArray image = m.create(v, new Shape(1, 3, 5, 7));
            NDArray scores = new SlidingWindow(3, 4, 2, 3).apply(image, crop -> crop.get(":, 0:1, :, :"));
            assertArrayEquals(java.util.Arrays.copyOfRange(v, 0, 35), scores.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void oneWindowCoveringTheImageEqualsWholeInference() {
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m);
             SegHead head = SegHead.forBackbone(m, vit, 3, 8)) {
            vit.module().initialize(1);
            head.initialize(2);
            SegHeadInfo info = info(48, 64, 48, 64);
            try (UnivSegmentation seg = UnivSegmentation.of(vit, head, info)) {
                NDArray image = TestModels.randn(m, 7, 1, 3, 48, 64);
                NDArray whole = seg.networkScores(image);
                seg.setSlidingWindow(new SlidingWindow(48, 64, 32, 32));
                assertEquals(0f, TestModels.maxAbsDiff(whole, seg.scores(image)), 1e-6f);
                // overlapping windows of 32×32 every 16: each window is a separate forward, averaged
                seg.setSlidingWindow(new SlidingWindow(32, 32, 16, 16));
                NDArray slid = seg.scores(image);
                assertEquals(new Shape(1, 3, 48, 64), slid.getShape());
                NDArray topLeft = seg.networkScores(image.get(":, :, 0:32, 0:32"));
                // pixel (0, 0) is covered by the first window only
                assertEquals(topLeft.get("0, :, 0, 0").toFloatArray()[1], slid.get("0, :, 0, 0").toFloatArray()[1], 1e-5f);
                assertThrows(IllegalArgumentException.class, () -> seg.setSlidingWindow(new SlidingWindow(24, 32, 8, 8)));
            }
        }
    }

    @Test
    void rejectsStridesLargerThanTheCrop() {
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindow(16, 16, 32, 16));
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindow(0, 16, 8, 8));
    }

    static SegHeadInfo info(int h, int w, int ch, int cw) {
        ViTConfig c = TestModels.tinyVit();
        return new SegHeadInfo(new SegClasses(List.of("a", "b", "c")), Modality.RGB, h, w, ch, cw, 8, "freeze", 255, null,
                "vit", c.embedDim(), new int[0]);
    }
}
