package org.univ.cli.report;

/**
 * Perceptual colour maps computed in closed form: Matt Zucker's degree-6 polynomial fit of matplotlib's
 * {@code inferno} (public domain; off matplotlib's table by a few units of 255 at most, e.g. #faffa8 for
 * #fcffa4 at t = 1).
 */
final class ColorMaps {
    /** Per power of t, the {r, g, b} coefficients. */
    private static final double[][] INFERNO = {
        {0.0002189403691192265, 0.001651004631001012, -0.01948089843709184},
        {0.1065134194856116, 0.5639564367884091, 3.932712388889277},
        {11.60249308247187, -3.972853965665698, -15.9423941062914},
        {-41.70399613139459, 17.43639888205313, 44.35414519872813},
        {77.162935699427, -33.40235894210092, -81.80730925738993},
        {-71.31942824499214, 32.62606426397723, 73.20951985803202},
        {25.13112622477341, -12.24266895238567, -23.07032500287172},
    };

    private ColorMaps() {}

    /** inferno at {@code t} (clamped to [0, 1]; NaN → 0) as {@code 0xRRGGBB}: black → purple → orange → pale yellow. */
    static int inferno(double t) {
        double x = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
        int rgb = 0;
        for (int channel = 0; channel < 3; channel++) {
            double v = 0;
            for (int k = INFERNO.length - 1; k >= 0; k--) {
                v = v * x + INFERNO[k][channel];
            }
            rgb = (rgb << 8) | (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
        }
        return rgb;
    }
}
