package org.univ.data.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Labels from the rasterised scene: the class mask and one box per visible person or car.
 * <ul>
 *   <li>a box spans the visible pixels of its instance (occluded parts excluded);</li>
 *   <li>an instance with fewer than {@code minPixels} visible pixels gets no box and its pixels become
 *       {@link SegClass#UNLABELLED}, so every person/car pixel of the mask lies in a box of its class;</li>
 *   <li>the pixels just outside each boxed instance (4-neighbours) become {@link SegClass#UNLABELLED}:
 *       both cameras blur across that edge.</li>
 * </ul>
 */
final class Annotator {
    private Annotator() {}

    record Annotation(byte[] mask, List<Box> boxes) {}

    static Annotation annotate(Canvas canvas, int minPixels) {
        int w = canvas.width;
        int h = canvas.height;
        int instances = canvas.instanceClasses.size();
        int[] count = new int[instances + 1];
        int[] x0 = filled(instances + 1, Integer.MAX_VALUE);
        int[] y0 = filled(instances + 1, Integer.MAX_VALUE);
        int[] x1 = filled(instances + 1, -1);
        int[] y1 = filled(instances + 1, -1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = canvas.instance[y * w + x];
                count[k]++;
                x0[k] = Math.min(x0[k], x);
                y0[k] = Math.min(y0[k], y);
                x1[k] = Math.max(x1[k], x + 1);
                y1[k] = Math.max(y1[k], y + 1);
            }
        }
        List<Box> boxes = new ArrayList<>();
        for (int k = 1; k <= instances; k++) {
            if (count[k] >= minPixels) {
                boxes.add(new Box(canvas.instanceClasses.get(k - 1), x0[k], y0[k], x1[k], y1[k]));
            }
        }
        byte[] mask = canvas.segClass.clone();
        int[] kept = new int[w * h]; // instance id where boxed, else 0
        for (int i = 0; i < mask.length; i++) {
            int k = canvas.instance[i];
            if (k > 0 && count[k] < minPixels) {
                mask[i] = (byte) SegClass.IGNORE;
            } else {
                kept[i] = k;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (kept[i] == 0 && ((x > 0 && kept[i - 1] > 0) || (x + 1 < w && kept[i + 1] > 0)
                        || (y > 0 && kept[i - w] > 0) || (y + 1 < h && kept[i + w] > 0))) {
                    mask[i] = (byte) SegClass.IGNORE;
                }
            }
        }
        return new Annotation(mask, List.copyOf(boxes));
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
