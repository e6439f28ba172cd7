package org.univ.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;
import org.univ.util.Tensors;

/**
 * mmseg's {@code slide} inference: windows of {@code crop} every {@code stride} (the last row/column of windows moved
 * back to end at the image border), each window's class scores added into the image's, divided by how many windows
 * cover each pixel. An image smaller than the crop is padded bottom/right with 0 (the normalised mean) to the crop
 * size first and the scores cropped back, so every window has the crop size (a multiple of the patch).
 *
 * @param cropHeight  window height
 * @param cropWidth   window width
 * @param strideHeight vertical step
 * @param strideWidth horizontal step
 */
public record SlidingWindow(int cropHeight, int cropWidth, int strideHeight, int strideWidth) {
    public SlidingWindow {
        if (cropHeight <= 0 || cropWidth <= 0 || strideHeight <= 0 || strideWidth <= 0) {
            throw new IllegalArgumentException("sliding window crop and stride must be positive, got crop " + cropWidth
                    + "x" + cropHeight + ", stride " + strideWidth + "x" + strideHeight);
        }
        if (strideHeight > cropHeight || strideWidth > cropWidth) {
            throw new IllegalArgumentException("sliding window stride " + strideWidth + "x" + strideHeight
                    + " is larger than its crop " + cropWidth + "x" + cropHeight + ": pixels would be skipped");
        }
    }

    /** mmseg's usual ratio: stride = ⌊2/3 · crop⌋ rounded down to a multiple of {@code align} (at least {@code align}). */
    public static SlidingWindow forCrop(int cropHeight, int cropWidth, int align) {
        return new SlidingWindow(cropHeight, cropWidth, Math.max(align, cropHeight * 2 / 3 / align * align),
                Math.max(align, cropWidth * 2 / 3 / align * align));
    }

    /** Window origins along one axis, as mmseg computes them. */
    static int[] starts(int size, int crop, int stride) {
        int grids = Math.max(size - crop + stride - 1, 0) / stride + 1;
        int[] out = new int[grids];
        for (int i = 0; i < grids; i++) {
            int end = Math.min(i * stride + crop, size);
            out[i] = Math.max(end - crop, 0);
        }
        return out;
    }

    /**
     * Class scores of one image {@code [1, 3, H, W]}: {@code windowScores} maps a window {@code [1, 3, crop]} to
     * {@code [1, K, crop]}; the result {@code [1, K, H, W]} is in {@code image}'s manager.
     */
    public NDArray apply(NDArray image, Function<NDArray, NDArray> windowScores) {
        Shape s = image.getShape();
        if (s.dimension() != 4 || s.get(0) != 1) {
            throw new IllegalArgumentException("sliding-window inference takes one image [1, C, H, W], got " + s);
        }
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int ph = Math.max(h, cropHeight);
        int pw = Math.max(w, cropWidth);
        NDManager manager = image.getManager();
        NDArray padded = image;
        if (ph != h || pw != w) {
            padded = manager.zeros(new Shape(1, s.get(1), ph, pw), image.getDataType());
            padded.set(new ai.djl.ndarray.index.NDIndex(":, :, 0:" + h + ", 0:" + w), image);
        }
        int[] ys = starts(ph, cropHeight, strideHeight);
        int[] xs = starts(pw, cropWidth, strideWidth);
        float[] sum = null;
        int[] count = new int[ph * pw];
        int k = -1;
        for (int y0 : ys) {
            for (int x0 : xs) {
                float[] window;
                try (NDScope scope = new NDScope()) {
                    NDArray crop = padded.get(":, :, " + y0 + ":" + (y0 + cropHeight) + ", " + x0 + ":" + (x0 + cropWidth));
                    NDArray scores = windowScores.apply(crop);                                  // [1, K, ch, cw]
                    Shape ss = scores.getShape();
                    if (ss.dimension() != 4 || ss.get(2) != cropHeight || ss.get(3) != cropWidth) {
                        throw new IllegalStateException("window scores must be [1, K, " + cropHeight + ", " + cropWidth
                                + "], got " + ss);
                    }
                    k = (int) ss.get(1);
                    window = scores.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                }
                if (sum == null) {
                    sum = new float[k * ph * pw];
                }
                for (int c = 0; c < k; c++) {
                    for (int y = 0; y < cropHeight; y++) {
                        int dst = (c * ph + y0 + y) * pw + x0;
                        int src = (c * cropHeight + y) * cropWidth;
                        for (int x = 0; x < cropWidth; x++) {
                            sum[dst + x] += window[src + x];
                        }
                    }
                }
                for (int y = 0; y < cropHeight; y++) {
                    for (int x = 0; x < cropWidth; x++) {
                        count[(y0 + y) * pw + x0 + x]++;
                    }
                }
            }
        }
        float[] out = new float[k * h * w];
        for (int c = 0; c < k; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(c * h + y) * w + x] = sum[(c * ph + y) * pw + x] / count[y * pw + x];
                }
            }
        }
        if (padded != image) {
            padded.close();
        }
        return Tensors.fromFloats(manager, out, new Shape(1, k, h, w));
    }
}
