package org.univ.model;

import org.univ.util.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Resampling of a learned or fixed 2-D position table to another token grid, exactly as
 * {@code F.interpolate(mode='bicubic', align_corners=False)} does it (Keys cubic, A = -0.75,
 * source index {@code (dst + 0.5) * in/out - 0.5}, border samples clamped).
 *
 * <p>Bicubic resampling is separable and linear, so it is written as two small matrices
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

    private static double cubic1(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    private static double cubic2(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
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
        // libtorch-owned: a trainable table keeps these for its backward pass (see Tensors)
        NDArray wh = Tensors.owned(m.create(flatten(bicubicMatrix(inH, outH)), new ai.djl.ndarray.types.Shape(outH, inH)));
        NDArray wwT = Tensors.owned(m.create(flatten(bicubicMatrix(inW, outW)), new ai.djl.ndarray.types.Shape(outW, inW)))
                .transpose();
        NDArray grid = gridTokens.reshape(inH, inW, d).transpose(2, 0, 1); // [D, inH, inW]
        NDArray out = wh.matMul(grid).matMul(wwT);                         // [D, outH, outW]
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
