package org.univ.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Images as float planes: decoding (8/16-bit grey, RGB; PNG/JPEG/BMP/TIFF through ImageIO +
 * TwelveMonkeys), PIL-style antialiased bilinear resizing and per-channel normalisation.
 */
public final class Images {
    private Images() {}

    /** An image as {@code [C, H, W]} floats in [0, 1], row-major. */
    public record Planes(float[] data, int channels, int height, int width) {
        public float get(int c, int y, int x) {
            return data[(c * height + y) * width + x];
        }
    }

    /** Decodes a file or fails with a message naming it (see {@link ImageDecoder#read}). */
    public static BufferedImage read(Path file) {
        return ImageDecoder.read(file);
    }

    /** Significant bits per sample (8 or 16). */
    public static int bitDepth(BufferedImage img) {
        return img.getColorModel().getComponentSize(0);
    }

    /**
     * Three [0, 1] planes: grey images are replicated to three identical channels; 16-bit samples are
     * divided by 65535 here (IR-specific scaling is {@link ImageDecoder#ir} with an {@link IrScaling}).
     */
    public static Planes toRgb(BufferedImage img) {
        return ImageDecoder.rgb(img);
    }

    /** PIL-style bilinear resize (a triangle filter widened when downscaling, so it antialiases). */
    public static Planes resize(Planes in, int outH, int outW) {
        if (in.height() == outH && in.width() == outW) {
            return in;
        }
        float[] horizontal = in.width() == outW ? in.data() : resampleRows(in.data(), in.channels() * in.height(), in.width(), outW);
        float[] both = in.height() == outH ? horizontal : resampleColumns(horizontal, in.channels(), in.height(), outW, outH);
        return new Planes(both, in.channels(), outH, outW);
    }

    /** Crops {@code [top, left, h, w]} out of the planes. */
    public static Planes crop(Planes in, int top, int left, int h, int w) {
        float[] out = new float[in.channels() * h * w];
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(in.data(), (c * in.height() + top + y) * in.width() + left, out, (c * h + y) * w, w);
            }
        }
        return new Planes(out, in.channels(), h, w);
    }

    /** Mirrors left-right. */
    public static Planes flip(Planes in) {
        float[] out = new float[in.data().length];
        int w = in.width();
        for (int row = 0; row < in.channels() * in.height(); row++) {
            for (int x = 0; x < w; x++) {
                out[row * w + x] = in.data()[row * w + (w - 1 - x)];
            }
        }
        return new Planes(out, in.channels(), in.height(), w);
    }

    /** PIL's bilinear filter taps for {@code in → out} samples along one axis: output o reads {@code len[o]} inputs from {@code start[o]}. */
    private record Taps(int[] start, int[] len, float[][] weights) {
        static Taps of(int in, int out) {
            double scale = (double) in / out;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // bilinear support 1, widened when downscaling
            int[] start = new int[out];
            int[] len = new int[out];
            int maxLen = (int) Math.ceil(support) * 2 + 1;
            float[][] weights = new float[out][maxLen];
            for (int o = 0; o < out; o++) {
                double center = (o + 0.5) * scale;
                int x0 = Math.max(0, (int) (center - support + 0.5));
                int x1 = Math.min(in, (int) (center + support + 0.5));
                double sum = 0;
                int n = x1 - x0;
                for (int j = 0; j < n; j++) {
                    double w = 1 - Math.abs((j + x0 - center + 0.5) / filterScale);
                    w = Math.max(w, 0);
                    weights[o][j] = (float) w;
                    sum += w;
                }
                for (int j = 0; j < n; j++) {
                    weights[o][j] = sum == 0 ? 0 : (float) (weights[o][j] / sum);
                }
                start[o] = x0;
                len[o] = n;
            }
            return new Taps(start, len, weights);
        }
    }

    /** Resamples every row of {@code rows × in} to {@code rows × out}. */
    private static float[] resampleRows(float[] a, int rows, int in, int out) {
        Taps t = Taps.of(in, out);
        float[] res = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            int src = r * in;
            int dst = r * out;
            for (int o = 0; o < out; o++) {
                float acc = 0;
                float[] w = t.weights()[o];
                int s = src + t.start()[o];
                for (int j = 0; j < t.len()[o]; j++) {
                    acc += w[j] * a[s + j];
                }
                res[dst + o] = acc;
            }
        }
        return res;
    }

    /**
     * Resamples the columns of {@code [channels, in, cols]} to {@code [channels, out, cols]} as weighted sums of whole
     * rows (cache-friendly, no transposes; the same float operations in the same order as a per-pixel loop).
     */
    private static float[] resampleColumns(float[] a, int channels, int in, int cols, int out) {
        Taps t = Taps.of(in, out);
        float[] res = new float[channels * out * cols];
        for (int c = 0; c < channels; c++) {
            for (int o = 0; o < out; o++) {
                int dst = (c * out + o) * cols;
                float[] w = t.weights()[o];
                for (int j = 0; j < t.len()[o]; j++) {
                    float wj = w[j];
                    int src = (c * in + t.start()[o] + j) * cols;
                    for (int x = 0; x < cols; x++) {
                        res[dst + x] += wj * a[src + x];
                    }
                }
            }
        }
        return res;
    }

    /** {@code (x - mean) / std} per channel into an NDArray {@code [1, C, H, W]}. */
    public static NDArray normalize(NDManager manager, Planes p, float[] mean, float[] std) {
        float[] v = new float[p.data().length];
        int plane = p.height() * p.width();
        for (int c = 0; c < p.channels(); c++) {
            float m = mean[c % mean.length];
            float s = std[c % std.length];
            for (int i = 0; i < plane; i++) {
                v[c * plane + i] = (p.data()[c * plane + i] - m) / s;
            }
        }
        return manager.create(v, new Shape(1, p.channels(), p.height(), p.width()));
    }
}
