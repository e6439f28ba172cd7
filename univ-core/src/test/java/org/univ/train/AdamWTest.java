package org.univ.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.univ.model.Parameter;

/** AdamW against torch.optim.AdamW's update written out by hand. */
class AdamWTest {
    @Test
    void twoStepsMatchTheTorchFormula() {
        try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(m, 0.9, 0.999, 1e-8)) {
            Parameter w = new Parameter(m.create(new float[] {1f, -2f, 0.5f, 3f}, new Shape(2, 2))); // 2-D: decayed
            Parameter b = new Parameter(m.create(new float[] {0.25f}, new Shape(1)));               // 1-D: not decayed
            double[] pw = {1, -2, 0.5, 3};
            double[] pb = {0.25};
            double[] mw = new double[4], vw = new double[4], mb = new double[1], vb = new double[1];
            float[][] gw = {{0.1f, -0.2f, 0.3f, 0f}, {-0.5f, 0.5f, 0.05f, 1f}};
            float[][] gb = {{2f}, {-1f}};
            double lr = 0.01, wd = 0.1;
            for (int t = 1; t <= 2; t++) {
                NDArray gW = m.create(gw[t - 1], new Shape(2, 2));
                NDArray gB = m.create(gb[t - 1], new Shape(1));
                opt.step(Map.of("w", w, "b", b), Map.of("w", gW, "b", gB), lr, wd);
                reference(pw, mw, vw, gw[t - 1], t, lr, wd);
                reference(pb, mb, vb, gb[t - 1], t, lr, 0);
            }
            float[] got = w.array().toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(pw[i], got[i], 1e-6);
            }
            assertEquals(pb[0], b.array().toFloatArray()[0], 1e-6);
            assertEquals(2, opt.stepCount());
        }
    }

    /** A per-parameter lr multiplier acts as a PyTorch parameter group with lr·scale; absent names keep lr. */
    @Test
    void perParameterLrScaleIsAParameterGroupWithItsOwnLr() {
        try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(m, 0.9, 0.999, 1e-8)) {
            Parameter w = new Parameter(m.create(new float[] {1f, -2f, 0.5f, 3f}, new Shape(2, 2)));
            Parameter u = new Parameter(m.create(new float[] {1f, -2f, 0.5f, 3f}, new Shape(2, 2)));
            double[] pw = {1, -2, 0.5, 3};
            double[] pu = {1, -2, 0.5, 3};
            double[] mw = new double[4], vw = new double[4], mu = new double[4], vu = new double[4];
            float[][] g = {{0.1f, -0.2f, 0.3f, 0f}, {-0.5f, 0.5f, 0.05f, 1f}};
            double lr = 0.01, wd = 0.1;
            for (int t = 1; t <= 2; t++) {
                NDArray gW = m.create(g[t - 1], new Shape(2, 2));
                NDArray gU = m.create(g[t - 1], new Shape(2, 2));
                opt.step(Map.of("w", w, "u", u), Map.of("w", gW, "u", gU), lr, wd, Map.of("w", 0.25));
                reference(pw, mw, vw, g[t - 1], t, lr * 0.25, wd);
                reference(pu, mu, vu, g[t - 1], t, lr, wd);
            }
            float[] gotW = w.array().toFloatArray();
            float[] gotU = u.array().toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(pw[i], gotW[i], 1e-6);
                assertEquals(pu[i], gotU[i], 1e-6);
            }
            org.junit.jupiter.api.Assertions.assertNotEquals(gotW[0], gotU[0]);
        }
    }

    /** torch: p ← p(1 − lr·wd); m, v moments; p ← p − lr/(1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + eps). */
    private static void reference(double[] p, double[] m, double[] v, float[] g, int t, double lr, double wd) {
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * wd;
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
            p[i] -= lr / (1 - Math.pow(0.9, t)) * m[i] / denom;
        }
    }
}
