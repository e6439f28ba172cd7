package org.univ.data.synth;

/** Image filters on row-major float planes. */
final class Filters {
    private Filters() {}

    /** Separable Gaussian blur with clamped borders; returns a new plane (sigma ≤ 0: a copy). */
    static float[] gaussianBlur(float[] plane, int width, int height, float sigma) {
        if (sigma <= 0) {
            return plane.clone();
        }
        float[] kernel = gaussianKernel(sigma);
        float[] rows = new float[plane.length];
        for (int y = 0; y < height; y++) {
            convolve(plane, y * width, 1, width, kernel, rows);
        }
        float[] out = new float[plane.length];
        for (int x = 0; x < width; x++) {
            convolve(rows, x, width, height, kernel, out);
        }
        return out;
    }

    /** Normalised taps {@code exp(-k²/2σ²)} for k in [-r, r], r = ⌈3σ⌉. */
    private static float[] gaussianKernel(float sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] kernel = new float[2 * radius + 1];
        float sum = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = (float) Math.exp(-0.5 * k * k / (sigma * sigma));
            sum += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= sum;
        }
        return kernel;
    }

    /** Convolves the line of {@code n} samples at {@code start + i·stride}; the border clamps only near the ends. */
    private static void convolve(float[] in, int start, int stride, int n, float[] kernel, float[] out) {
        int radius = kernel.length / 2;
        for (int i = 0; i < n; i++) {
            float acc = 0;
            if (i >= radius && i + radius < n) {
                int base = start + (i - radius) * stride;
                for (int k = 0; k < kernel.length; k++) {
                    acc += kernel[k] * in[base + k * stride];
                }
            } else {
                for (int k = -radius; k <= radius; k++) {
                    int j = Math.max(0, Math.min(n - 1, i + k));
                    acc += kernel[k + radius] * in[start + j * stride];
                }
            }
            out[start + i * stride] = acc;
        }
    }

    /**
     * Approximate quantiles from a 4096-bin histogram between the plane's minimum and maximum (error under
     * 1/4096 of the range): one pass instead of a sort.
     */
    static float[] quantiles(float[] plane, double... q) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : plane) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int bins = 4096;
        float width = Math.max(1e-6f, (max - min) / bins);
        int[] hist = new int[bins];
        for (float v : plane) {
            hist[Math.min(bins - 1, (int) ((v - min) / width))]++;
        }
        float[] out = new float[q.length];
        for (int j = 0; j < q.length; j++) {
            long target = (long) Math.ceil(q[j] * plane.length);
            long seen = 0;
            int b = 0;
            while (b < bins - 1 && seen + hist[b] < target) {
                seen += hist[b++];
            }
            out[j] = min + (b + 0.5f) * width;
        }
        return out;
    }
}
