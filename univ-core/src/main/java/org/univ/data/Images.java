package org.univ.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

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

    /** Decodes a file or fails with a message naming it. */
    public static BufferedImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ImageException(file, "file does not exist");
        }
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new ImageException(file, "no image decoder recognises it (PNG, JPEG, BMP, TIFF are supported)");
            }
            return img;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageException ie) {
                throw ie;
            }
            throw new ImageException(file, "corrupt or truncated image (" + e.getMessage() + ")");
        }
    }

    /** Significant bits per sample (8 or 16). */
    public static int bitDepth(BufferedImage img) {
        return img.getColorModel().getComponentSize(0);
    }

    /**
     * Three [0, 1] planes: grey images are replicated to three identical channels; 16-bit samples are
     * divided by 65535 here (IR-specific stretching is the caller's choice, see {@code IrScaling}).
     */
    public static Planes toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        float[] out = new float[3 * h * w];
        int plane = h * w;
        if (bands >= 3 && bitDepth(img) <= 8) {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < plane; i++) {
                int p = argb[i];
                out[i] = ((p >> 16) & 0xff) / 255f;
                out[plane + i] = ((p >> 8) & 0xff) / 255f;
                out[2 * plane + i] = (p & 0xff) / 255f;
            }
            return new Planes(out, 3, h, w);
        }
        float max = (float) ((1L << bitDepth(img)) - 1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int band = bands >= 3 ? c : 0;
                    out[c * plane + y * w + x] = r.getSample(x, y, band) / max;
                }
            }
        }
        return new Planes(out, 3, h, w);
    }

    /** PIL-style bilinear resize (a triangle filter widened when downscaling, so it antialiases). */
    public static Planes resize(Planes in, int outH, int outW) {
        if (in.height() == outH && in.width() == outW) {
            return in;
        }
        float[] horizontal = resampleAxis(in.data(), in.channels() * in.height(), in.width(), outW);
        // transpose rows/cols per channel so the same 1-D pass does the vertical axis
        float[] t = transpose(horizontal, in.channels(), in.height(), outW);
        float[] vertical = resampleAxis(t, in.channels() * outW, in.height(), outH);
        return new Planes(transpose(vertical, in.channels(), outW, outH), in.channels(), outH, outW);
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

    private static float[] transpose(float[] a, int channels, int rows, int cols) {
        float[] out = new float[a.length];
        for (int c = 0; c < channels; c++) {
            int base = c * rows * cols;
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    out[base + x * rows + y] = a[base + y * cols + x];
                }
            }
        }
        return out;
    }

    /** Resamples every row of {@code rows × in} to {@code rows × out} with PIL's bilinear filter. */
    private static float[] resampleAxis(float[] a, int rows, int in, int out) {
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
        float[] res = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            int src = r * in;
            int dst = r * out;
            for (int o = 0; o < out; o++) {
                float acc = 0;
                float[] w = weights[o];
                int s = src + start[o];
                for (int j = 0; j < len[o]; j++) {
                    acc += w[j] * a[s + j];
                }
                res[dst + o] = acc;
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
