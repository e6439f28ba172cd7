package org.univ.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.data.CoAugment.CropPlan;
import org.univ.data.CoAugment.CropRatioMode;
import org.univ.data.CoAugment.Sample;

class CoAugmentTest {
    @TempDir
    Path dir;

    /** Identity normalisation, so outputs are the [0, 1] pixels. */
    private static CoAugment.Builder raw(int size) {
        float[] zero = {0f};
        float[] one = {1f};
        return CoAugment.builder().setSize(size).optRgbNormalization(new float[] {0, 0, 0}, new float[] {1, 1, 1})
                .optIrNormalization(zero, one);
    }

    @Test
    void sameKeySameTensorsOtherKeyOtherTensors() {
        Pair pair = PairIndex.open(TestImages.pairs(dir.resolve("r"), PairLayout.VI_IR, 40, 30, "a").toString()).get(0);
        CoAugment aug = CoAugment.builder().setSize(16).build();
        Sample s = aug.apply(pair, 7, 3, 5);
        Sample again = CoAugment.builder().setSize(16).build().apply(pair, 7, 3, 5);
        assertArrayEquals(s.rgb(), again.rgb());
        assertArrayEquals(s.ir(), again.ir());
        assertEquals(s.plan(), again.plan());
        for (long[] other : new long[][] {{8, 3, 5}, {7, 4, 5}, {7, 3, 6}}) {
            Sample o = aug.apply(pair, other[0], other[1], other[2]);
            assertFalse(Arrays.equals(s.rgb(), o.rgb()), Arrays.toString(other));
            assertFalse(Arrays.equals(s.ir(), o.ir()), Arrays.toString(other));
        }
    }

    @Test
    void cropRatiosFollowTheConfiguredLaw() {
        CoAugment uniform = CoAugment.builder().setSize(8).build();
        CoAugment sqrt = CoAugment.builder().setSize(8).optCropRatioMode(CropRatioMode.SQRT).build();
        int n = 2000;
        double sumU = 0;
        double sumS = 0;
        double minU = 1;
        double minS = 1;
        int flips = 0;
        for (int i = 0; i < n; i++) {
            CropPlan u = uniform.plan(1, 0, i, 480, 640);
            CropPlan s = sqrt.plan(1, 0, i, 480, 640);
            for (CropPlan p : new CropPlan[] {u, s}) {
                assertEquals(p.height() / 480.0, p.width() / 640.0, 1.0 / 480, "aspect kept");
                assertTrue(p.top() >= 0 && p.top() + p.height() <= 480 && p.left() >= 0 && p.left() + p.width() <= 640);
            }
            double ru = u.width() / 640.0;
            double rs = s.width() / 640.0;
            sumU += ru;
            sumS += rs;
            minU = Math.min(minU, ru);
            minS = Math.min(minS, rs);
            flips += u.flip() ? 1 : 0;
        }
        // E[u] = 0.7 for U(0.4, 1); E[√u] = (2/3)(1 − 0.4^1.5) / 0.6 ≈ 0.8300
        assertEquals(0.7, sumU / n, 0.01);
        assertEquals(0.8300, sumS / n, 0.01);
        assertTrue(minU >= 0.4 - 1.0 / 640 && minU < 0.41, "min " + minU);
        assertTrue(minS >= Math.sqrt(0.4) - 1.0 / 640 && minS < 0.64, "min " + minS);
        assertEquals(0.5, flips / (double) n, 0.04);
        CropPlan full = CoAugment.builder().setSize(8).optCropScale(1, 1).optFlipProbability(0).build().plan(1, 0, 3, 48, 64);
        assertEquals(new CropPlan(0, 0, 48, 64, false), full);
        assertThrows(IllegalArgumentException.class, () -> CoAugment.builder().optCropScale(0.5, 0.4));
    }

    /** IR = grey copy of RGB: after augmentation the IR must equal the luma of the augmented RGB, pixel by pixel. */
    @Test
    void bothModalitiesGetTheSameGeometry() {
        Pair pair = PairIndex.open(TestImages.pairs(dir.resolve("r"), PairLayout.VI_IR, 64, 48, "a").toString()).get(0);
        CoAugment aug = raw(24).build();
        int flipped = 0;
        for (int i = 0; i < 12; i++) {
            Sample s = aug.apply(pair, 3, 0, i);
            flipped += s.plan().flip() ? 1 : 0;
            float[] luma = luma(s.rgb(), 24 * 24);
            float aligned = maxAbsDiff(luma, Arrays.copyOf(s.ir(), 24 * 24));
            // the IR file holds luma rounded to 8 bits: at most 0.5/255 off, resizing is linear
            assertTrue(aligned < 0.6f / 255, "sample " + i + ": " + aligned);
            // the check can fail: a one-pixel shift or a missing flip is far off
            float[] shifted = new float[24 * 24];
            for (int y = 0; y < 24; y++) {
                System.arraycopy(s.ir(), y * 24, shifted, y * 24 + 1, 23);
                shifted[y * 24] = s.ir()[y * 24];
            }
            assertTrue(maxAbsDiff(luma, shifted) > 20 * aligned + 0.02f);
            assertArrayEquals(Arrays.copyOfRange(s.ir(), 0, 576), Arrays.copyOfRange(s.ir(), 576, 1152));
            assertArrayEquals(Arrays.copyOfRange(s.ir(), 0, 576), Arrays.copyOfRange(s.ir(), 1152, 1728));
        }
        assertTrue(flipped > 0 && flipped < 12, "flips " + flipped);
    }

    @Test
    void mismatchedIrIsResizedToRgbAndReportedOncePerRoot() {
        Path root = dir.resolve("r");
        for (String id : new String[] {"a", "b"}) {
            var rgb = TestImages.rgb(64, 48, id.hashCode());
            TestImages.write(rgb, root.resolve("vi/" + id + ".png"));
            var grey = TestImages.greyCopy(rgb);
            var half = new java.awt.image.BufferedImage(32, 24, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            half.createGraphics().drawImage(grey, 0, 0, 32, 24, null);
            TestImages.write(half, root.resolve("ir/" + id + ".png"));
        }
        PairIndex index = PairIndex.open(root.toString());
        CoAugment aug = raw(16).optCropScale(1, 1).optFlipProbability(0).build();
        Sample a = aug.apply(index.get(0), 0, 0, 0);
        aug.apply(index.get(1), 0, 0, 1);
        assertEquals(2, aug.resizedIrPairs());
        assertEquals(Set.of(root.toAbsolutePath()), aug.resizedIrRoots());
        // still aligned, up to the detail the half-size IR lost
        float[] luma = luma(a.rgb(), 256);
        float mean = 0;
        for (int i = 0; i < 256; i++) {
            mean += Math.abs(luma[i] - a.ir()[i]) / 256;
        }
        assertTrue(mean < 0.03f, "mean abs diff " + mean);
    }

    @Test
    void rgbIrFileGivesThreeIdenticalChannelsAndSizesMayBeRectangular() {
        Path root = dir.resolve("r");
        var rgb = TestImages.rgb(40, 30, 1);
        TestImages.write(rgb, root.resolve("vi/a.png"));
        var grey = TestImages.greyCopy(rgb);
        var grey3 = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        grey3.createGraphics().drawImage(grey, 0, 0, null);
        TestImages.write(grey3, root.resolve("ir/a.png"));
        CoAugment aug = CoAugment.builder().setSize(20, 12).build();
        Sample s = aug.apply(PairIndex.open(root.toString()).get(0), 0, 0, 0);
        assertEquals(3 * 20 * 12, s.ir().length);
        int plane = 240;
        assertArrayEquals(Arrays.copyOfRange(s.ir(), 0, plane), Arrays.copyOfRange(s.ir(), plane, 2 * plane));
        assertArrayEquals(Arrays.copyOfRange(s.ir(), 0, plane), Arrays.copyOfRange(s.ir(), 2 * plane, 3 * plane));
        assertNotEquals(s.rgb()[0], s.rgb()[plane]);
    }

    @Test
    void normalisationUsesTheConfiguredStatistics() {
        Pair pair = PairIndex.open(TestImages.pairs(dir.resolve("r"), PairLayout.VI_IR, 40, 30, "a").toString()).get(0);
        Sample raw = raw(16).build().apply(pair, 0, 0, 0);
        Sample norm = CoAugment.builder().setSize(16).build().apply(pair, 0, 0, 0);
        int plane = 256;
        for (int c = 0; c < 3; c++) {
            int i = c * plane + 37;
            assertEquals((raw.rgb()[i] - CoAugment.IMAGENET_MEAN[c]) / CoAugment.IMAGENET_STD[c], norm.rgb()[i], 1e-6f);
            assertEquals((raw.ir()[i] - 0.5338f) / 0.2519f, norm.ir()[i], 1e-6f);
        }
    }

    private static float[] luma(float[] rgb, int plane) {
        float[] l = new float[plane];
        for (int i = 0; i < plane; i++) {
            l[i] = (float) ((299.0 * rgb[i] + 587.0 * rgb[plane + i] + 114.0 * rgb[2 * plane + i]) / 1000.0);
        }
        return l;
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
