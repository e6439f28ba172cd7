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
        return resize(in, outH, outW, null);
    }

    /**
     * As {@link #resize(Planes, int, int)}, with the intermediate and the result in {@code scratch}'s buffers (slots
     * 1 and 2) instead of new arrays: the result is valid until the next call with the same scratch. {@code null}
     * allocates.
     */
    public static Planes resize(Planes in, int outH, int outW, Scratch scratch) {
        if (in.height() == outH && in.width() == outW) {
            return in;
        }
        int rows = in.channels() * in.height();
        float[] horizontal = in.width() == outW ? in.data()
                : resampleRows(in.data(), rows, in.width(), outW, Scratch.get(scratch, 1, rows * outW));
        float[] both = in.height() == outH ? horizontal : resampleColumns(horizontal, in.channels(), in.height(), outW, outH,
                Scratch.get(scratch, 2, in.channels() * outH * outW));
        return new Planes(both, in.channels(), outH, outW);
    }

    /**
     * Float buffers one thread reuses from image to image (a data-loader worker), so that decoding a crop and
     * resizing it make no garbage: multi-MB arrays are humongous objects to G1, and a batch's worth of them per
     * step made the heap grow by half a gigabyte. A buffer may be longer than the planes it holds.
     */
    public static final class Scratch {
        private final float[][] buffers = new float[5][];

        /** Buffer {@code slot} with at least {@code length} floats (contents undefined). */
        public float[] get(int slot, int length) {
            float[] b = buffers[slot];
            if (b == null || b.length < length) {
                b = new float[length];
                buffers[slot] = b;
            }
            return b;
        }

        static float[] get(Scratch s, int slot, int length) {
            return s == null ? new float[length] : s.get(slot, length);
        }
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
    private static float[] resampleRows(float[] a, int rows, int in, int out, float[] res) {
        Taps t = Taps.of(in, out);
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
    private static float[] resampleColumns(float[] a, int channels, int in, int cols, int out, float[] res) {
        Taps t = Taps.of(in, out);
        java.util.Arrays.fill(res, 0, channels * out * cols, 0f);
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

    /** {@code (x − mean) / std} per channel as {@code [3, H, W]} floats; a grey image fills all three channels. */
    public static float[] normalize(Planes p, float[] mean, float[] std) {
        float[] out = new float[3 * p.height() * p.width()];
        normalize(p, mean, std, false, out, 0);
        return out;
    }

    /**
     * {@code (x − mean) / std} into 3 channels of {@code out[off…]}, mirrored left-right when {@code flip}; a grey
     * image fills all three. {@code mean} and {@code std} hold one value per channel (or one for all).
     */
    public static void normalize(Planes p, float[] mean, float[] std, boolean flip, float[] out, int off) {
        if (p.channels() != 1 && p.channels() != 3) {
            throw new IllegalArgumentException("expected 1 or 3 image channels, got " + p.channels());
        }
        int h = p.height();
        int w = p.width();
        float[] d = p.data();
        for (int c = 0; c < 3; c++) {
            int src = p.channels() == 1 ? 0 : c;
            float m = mean[c % mean.length];
            float s = std[c % std.length];
            for (int y = 0; y < h; y++) {
                int in = (src * h + y) * w;
                int o = off + (c * h + y) * w;
                if (flip) {
                    for (int x = 0; x < w; x++) {
                        out[o + x] = (d[in + w - 1 - x] - m) / s;
                    }
                } else {
                    for (int x = 0; x < w; x++) {
                        out[o + x] = (d[in + x] - m) / s;
                    }
                }
            }
        }
    }

    /** {@link #normalize(Planes, float[], float[])} as an NDArray {@code [1, 3, H, W]} (not for autograd paths). */
    public static NDArray normalize(NDManager manager, Planes p, float[] mean, float[] std) {
        return manager.create(normalize(p, mean, std), new Shape(1, 3, p.height(), p.width()));
    }

    /** The planes with 3 channels: as they are, or a grey plane replicated three times. */
    public static Planes threeChannels(Planes p) {
        if (p.channels() == 3) {
            return p;
        }
        if (p.channels() != 1) {
            throw new IllegalArgumentException("expected 1 or 3 image channels, got " + p.channels());
        }
        int plane = p.height() * p.width();
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(p.data(), 0, out, c * plane, plane);
        }
        return new Planes(out, 3, p.height(), p.width());
    }

    /**
     * A DJL image as a {@link BufferedImage}: the one it wraps (DJL's default factory), else an 8-bit RGB copy of its
     * pixels, so that DJL inputs decode exactly as files do.
     */
    public static BufferedImage bufferedImage(ai.djl.modality.cv.Image image) {
        if (image.getWrappedImage() instanceof BufferedImage b) {
            return b;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        try (NDManager m = NDManager.newBaseManager()) {
            int[] v = image.toNDArray(m, ai.djl.modality.cv.Image.Flag.COLOR)
                    .toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();          // [H, W, 3]
            for (int i = 0; i < w * h; i++) {
                rgb.setRGB(i % w, i / w, (v[3 * i] << 16) | (v[3 * i + 1] << 8) | v[3 * i + 2]);
            }
        }
        return rgb;
    }

    /**
     * Planes in [0, 1] (1 grey or 3 colour channels, e.g. {@code ImageDecoder.ir} after IR scaling) as an 8-bit RGB
     * image for display: grey is shown as grey RGB, values outside [0, 1] are clipped.
     */
    public static BufferedImage toDisplay(Planes planes) {
        int c = planes.channels();
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("display needs 1 or 3 channels, got " + c);
        }
        int h = planes.height();
        int w = planes.width();
        int[] pixels = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = displayByte(planes.get(0, y, x));
                int g = c == 1 ? r : displayByte(planes.get(1, y, x));
                int b = c == 1 ? r : displayByte(planes.get(2, y, x));
                pixels[y * w + x] = (r << 16) | (g << 8) | b;
            }
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, pixels, 0, w);
        return out;
    }

    private static int displayByte(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }

    /** {@code (1 - alpha) · base + alpha · over} per channel of two 0xRRGGBB colours, opaque (alpha byte 0xFF). */
    public static int blend(int base, int over, double alpha) {
        int out = 0xFF000000;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double v = (1 - alpha) * ((base >> shift) & 0xFF) + alpha * ((over >> shift) & 0xFF);
            out |= ((int) Math.round(v)) << shift;
        }
        return out;
    }

    /**
     * Writes a picture as PNG, atomically (a reader never sees half a file; the folder is created). Errors name the
     * file. For results and reports; bulk dataset writing ({@code synth.DatasetWriter}) skips the per-file fsync.
     */
    public static void writePng(java.awt.image.RenderedImage image, Path file) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            if (!javax.imageio.ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("no PNG encoder in this JVM (needed for " + file + ")");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot encode " + file + ": " + e.getMessage(), e);
        }
        org.univ.io.AtomicFiles.write(file, bytes.toByteArray());
    }
}
