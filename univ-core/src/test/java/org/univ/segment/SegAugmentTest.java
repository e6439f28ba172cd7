package org.univ.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.univ.data.Images.Planes;

class SegAugmentTest {
    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};

    /** An image whose red channel is class/10 everywhere: image and mask must agree wherever a pixel is uniform. */
    private static Planes encode(int[] mask, int h, int w) {
        float[] v = new float[3 * h * w];
        for (int p = 0; p < h * w; p++) {
            v[p] = mask[p] / 10f;
            v[h * w + p] = (p % w) / (float) w; // a horizontal ramp shows flips
            v[2 * h * w + p] = 0.5f;
        }
        return new Planes(v, 3, h, w);
    }

    @Test
    void imageAndMaskStayAlignedThroughScaleCropAndFlip() {
        int h = 48;
        int w = 64;
        int[] mask = SegTestData.blockMask(h, w, 3);
        Planes image = encode(mask, h, w);
        SegAugment augment = SegAugment.builder().setSize(h, w).optCrop(32, 32).optScaleRange(0.5, 2.0).build();
        int flips = 0;
        for (int trial = 0; trial < 40; trial++) {
            SegAugment.Sample s = augment.apply(image, mask, ZERO, ONE, new SplittableRandom(trial));
            assertEquals(32, s.height());
            assertEquals(32, s.width());
            int checked = 0;
            for (int y = 1; y < 31; y++) {
                for (int x = 1; x < 31; x++) {
                    int m = s.mask()[y * 32 + x];
                    if (m == 255) {
                        assertEquals(0f, s.image()[y * 32 + x], 0f, "padding is 0 in the image where the mask is ignored");
                        continue;
                    }
                    // only where the 3×3 neighbourhood of the mask is uniform (bilinear blends across block edges)
                    boolean uniform = true;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            uniform &= s.mask()[(y + dy) * 32 + x + dx] == m;
                        }
                    }
                    if (uniform) {
                        assertEquals(m / 10f, s.image()[y * 32 + x], 0.02f, "trial " + trial + " pixel " + y + "," + x);
                        checked++;
                    }
                }
            }
            assertTrue(checked > 50, "trial " + trial + " checked only " + checked + " pixels");
            // the ramp decreases left to right after a flip
            float left = s.image()[32 * 32 + 16 * 32 + 2];
            float right = s.image()[32 * 32 + 16 * 32 + 29];
            if (s.mask()[16 * 32 + 29] != 255 && left > right) {
                flips++;
            }
        }
        assertTrue(flips > 5 && flips < 35, "flips " + flips + " of 40");
    }

    @Test
    void withoutScaleChangeCropAndFlipAreExact() {
        int h = 32;
        int w = 48;
        int[] mask = SegTestData.blockMask(h, w, 4);
        Planes image = encode(mask, h, w);
        SegAugment augment = SegAugment.builder().setSize(h, w).optCrop(16, 32).optScaleRange(1, 1).optCatMaxRatio(1).build();
        for (int trial = 0; trial < 10; trial++) {
            SegAugment.Sample s = augment.apply(image, mask, ZERO, ONE, new SplittableRandom(trial));
            for (int p = 0; p < s.mask().length; p++) {
                assertEquals(s.mask()[p] / 10f, s.image()[p], 1e-6f);
            }
        }
    }

    @Test
    void smallImagesArePaddedWithIgnore() {
        int[] mask = new int[16 * 16];
        Planes image = encode(mask, 16, 16);
        SegAugment augment = SegAugment.builder().setSize(16, 16).optCrop(32, 32).optScaleRange(1, 1).build();
        SegAugment.Sample s = augment.apply(image, mask, new float[] {0.5f, 0.5f, 0.5f}, ONE, new SplittableRandom(1));
        assertEquals(32, s.height());
        assertEquals(255, s.mask()[20 * 32 + 20]);
        assertEquals(0, s.mask()[5 * 32 + 5]);
        assertEquals(0f, s.image()[20 * 32 + 20], 0f);
    }

    @Test
    void seededDrawsRepeat() {
        int[] mask = SegTestData.blockMask(48, 48, 5);
        Planes image = encode(mask, 48, 48);
        SegAugment augment = SegAugment.builder().setSize(48, 48).optCrop(32, 32).build();
        SegAugment.Sample a = augment.apply(image, mask, ZERO, ONE, new SplittableRandom(9));
        SegAugment.Sample b = augment.apply(image, mask, ZERO, ONE, new SplittableRandom(9));
        SegAugment.Sample c = augment.apply(image, mask, ZERO, ONE, new SplittableRandom(10));
        assertArrayEquals(a.image(), b.image());
        assertArrayEquals(a.mask(), b.mask());
        assertNotEquals(java.util.Arrays.hashCode(a.image()), java.util.Arrays.hashCode(c.image()));
    }

    @Test
    void nearestResizeIsOpenCvs() {
        // 4 → 2: sources 0, 2; 2 → 4: sources 0, 0, 1, 1
        assertArrayEquals(new int[] {1, 3}, SegAugment.resizeNearest(new int[] {1, 2, 3, 4}, 1, 4, 1, 2));
        assertArrayEquals(new int[] {1, 1, 2, 2}, SegAugment.resizeNearest(new int[] {1, 2}, 1, 2, 1, 4));
    }
}
