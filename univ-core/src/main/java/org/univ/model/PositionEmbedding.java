package org.univ.model;

import org.univ.util.Scopes;
import org.univ.util.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Resampling of a learned or fixed 2-D position table to another token grid, exactly as
 * {@code F.interpolate(mode='bicubic', align_corners=False)} does it (Keys cubic, A = -0.75,
 * source index {@code (dst + 0.5) * in/out - 0.5}, border samples clamped); and bilinear resizing of
 * feature or logit maps as {@code F.interpolate(mode='bilinear', align_corners=False)} (no antialias).
 *
 * <p>Both are separable and linear, so they are written as two small matrices
 * {@code out = Wh · grid · Wwᵀ}: exact, differentiable, and independent of the engine's image ops.
 */
public final class PositionEmbedding {
    private static final double A = -0.75;

    private PositionEmbedding() {}

    /** The {@code [out, in]} matrix that resamples one axis of length {@code in} to {@code out}. */
    public static float[][] bicubicMatrix(int in, int out) {
        float[][] w = new float[out][in];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double real = scale * (o + 0.5) - 0.5;
            int idx = (int) Math.min(Math.floor(real), in - 1);
            double t = Math.min(Math.max(real - idx, 0), 1);
            double[] c = {
                cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)
            };
            for (int k = 0; k < 4; k++) {
                int src = Math.max(Math.min(idx - 1 + k, in - 1), 0);
                w[o][src] += (float) c[k];
            }
        }
        return w;
    }

    /**
     * The {@code [out, in]} matrix of PyTorch's bilinear (linear) interpolation along one axis with
     * {@code align_corners=False} and no antialias: source index {@code (dst + 0.5) * in/out - 0.5}, clamped
     * below at 0; the two neighbours {@code floor} and {@code floor + 1} (the last index repeats at the border)
     * weighted {@code 1 - t} and {@code t}. Rows sum to 1; {@code in == out} gives the identity.
     */
    public static float[][] bilinearMatrix(int in, int out) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("bilinear sizes must be positive, got " + in + " -> " + out);
        }
        float[][] w = new float[out][in];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double real = Math.max(scale * (o + 0.5) - 0.5, 0);
            int lo = Math.min((int) real, in - 1);
            int hi = Math.min(lo + 1, in - 1);
            double t = Math.min(Math.max(real - lo, 0), 1);
            w[o][lo] += (float) (1 - t);
            w[o][hi] += (float) t;
        }
        return w;
    }

    /**
     * A resampling matrix as an NDArray {@code [out, in]} of {@code manager}, in libtorch-owned memory:
     * autograd keeps it for the backward pass of a trainable input (see {@link Tensors}).
     */
    public static NDArray matrix(NDManager manager, float[][] w) {
        return Tensors.owned(manager.create(flatten(w), new Shape(w.length, w[0].length)));
    }

    /**
     * Bilinear resize of maps {@code [..., h, w]} to {@code [..., outH, outW]} with
     * {@code align_corners=False}, differentiable through the maps. Returns the input itself when the
     * size is unchanged.
     */
    public static NDArray resizeBilinear(NDArray maps, int outH, int outW) {
        Shape s = maps.getShape();
        if (s.dimension() < 2) {
            throw new IllegalArgumentException("expected maps [..., h, w], got " + s);
        }
        int h = (int) s.get(s.dimension() - 2);
        int w = (int) s.get(s.dimension() - 1);
        if (h == outH && w == outW) {
            return maps;
        }
        NDManager m = maps.getManager();
        return separable(maps, matrix(m, bilinearMatrix(h, outH)), matrix(m, bilinearMatrix(w, outW)));
    }

    /**
     * {@code rows · maps · colsᵀ} over the last two axes: maps {@code [..., h, w]}, rows {@code [H, h]},
     * cols {@code [W, w]} → {@code [..., H, W]} (leading axes broadcast).
     */
    public static NDArray separable(NDArray maps, NDArray rows, NDArray cols) {
        return rows.matMul(maps).matMul(cols.transpose());
    }

    private static double cubic1(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    private static double cubic2(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }

    /**
     * A stored table {@code [1, P + g·g, D]} (P prefix entries such as CLS, kept as they are) for a grid of
     * gh×gw tokens: the table itself when the grid is its own, else its bicubic resampling, attached to
     * {@code scope} (temporaries closed at once).
     */
    public static NDArray forGrid(NDArray table, int prefixTokens, int g, int gh, int gw, NDManager scope) {
        if (gh == g && gw == g) {
            return table;
        }
        NDArray out = Scopes.keep(() -> {
            NDArray grid = resample(table.get(":, " + prefixTokens + ":, :"), g, g, gh, gw);
            return prefixTokens == 0 ? grid : table.get(":, :" + prefixTokens + ", :").concat(grid, 1);
        });
        out.attach(scope);
        return out;
    }

    /**
     * Resamples grid tokens {@code [1, inH*inW, D]} (row-major) to {@code [1, outH*outW, D]}.
     * Returns the input itself when the grid is unchanged.
     */
    public static NDArray resample(NDArray gridTokens, int inH, int inW, int outH, int outW) {
        if (inH == outH && inW == outW) {
            return gridTokens;
        }
        long d = gridTokens.getShape().get(2);
        NDManager m = gridTokens.getManager();
        NDArray grid = gridTokens.reshape(inH, inW, d).transpose(2, 0, 1); // [D, inH, inW]
        NDArray out = separable(grid, matrix(m, bicubicMatrix(inH, outH)),
                matrix(m, bicubicMatrix(inW, outW)));                      // [D, outH, outW]
        return out.transpose(1, 2, 0).reshape(1, (long) outH * outW, d);
    }

    private static float[] flatten(float[][] m) {
        float[] v = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, v, i * m[0].length, m[0].length);
        }
        return v;
    }
}
