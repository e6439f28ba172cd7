package org.univ.data.synth;

import java.awt.image.BufferedImage;

/**
 * The colour camera: albedo under ambient light and light pools, plus emitted light (blooming at night),
 * auto-exposure, slight optical blur, sensor noise (stronger at night) and a soft highlight roll-off.
 */
final class RgbRenderer {
    private RgbRenderer() {}

    static BufferedImage render(Canvas canvas, SceneLayout layout, Dice dice) {
        int w = canvas.width;
        int h = canvas.height;
        int n = canvas.pixels();
        float[] illumination = illumination(canvas, layout);
        float exposure = layout.night() ? dice.uniform(1.0, 1.4) : dice.uniform(0.9, 1.1);
        float noise = layout.night() ? 0.025f : 0.008f;
        float[][] planes = new float[3][];
        for (int ch = 0; ch < 3; ch++) {
            float[] radiance = new float[n];
            for (int i = 0; i < n; i++) {
                radiance[i] = canvas.albedo[ch * n + i] * illumination[ch * n + i] + canvas.emission[ch * n + i];
            }
            if (layout.night()) {
                float[] emitted = new float[n];
                System.arraycopy(canvas.emission, ch * n, emitted, 0, n);
                float[] bloom = Filters.gaussianBlur(emitted, w, h, 2.5f * canvas.pixelScale);
                for (int i = 0; i < n; i++) {
                    radiance[i] += 0.6f * bloom[i];
                }
            }
            planes[ch] = Filters.gaussianBlur(radiance, w, h, 0.5f * canvas.pixelScale);
        }
        int[] argb = new int[n];
        for (int i = 0; i < n; i++) {
            float shared = noise * dice.gaussian(); // luminance noise, then a little chroma noise
            int pixel = 0;
            for (int ch = 0; ch < 3; ch++) {
                float v = rollOff(planes[ch][i] * exposure + shared + 0.4f * noise * dice.gaussian());
                pixel = (pixel << 8) | Math.round(v * 255);
            }
            argb[i] = pixel;
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, w, h, argb, 0, w);
        return image;
    }

    /** Ambient light everywhere plus each light pool's Gaussian footprint. {@code [3, H, W]} */
    private static float[] illumination(Canvas canvas, SceneLayout layout) {
        int w = canvas.width;
        int n = canvas.pixels();
        float[] light = new float[3 * n];
        for (int ch = 0; ch < 3; ch++) {
            java.util.Arrays.fill(light, ch * n, (ch + 1) * n, layout.ambient().channel(ch));
        }
        for (Light l : layout.lights()) {
            int x0 = Math.max(0, (int) Math.floor(l.x() - 3 * l.radiusX()));
            int x1 = Math.min(w, (int) Math.ceil(l.x() + 3 * l.radiusX()));
            int y0 = Math.max(0, (int) Math.floor(l.y() - 3 * l.radiusY()));
            int y1 = Math.min(canvas.height, (int) Math.ceil(l.y() + 3 * l.radiusY()));
            for (int y = y0; y < y1; y++) {
                float dy = (y + 0.5f - l.y()) / l.radiusY();
                for (int x = x0; x < x1; x++) {
                    float dx = (x + 0.5f - l.x()) / l.radiusX();
                    float k = (float) Math.exp(-0.5f * (dx * dx + dy * dy));
                    int i = y * w + x;
                    light[i] += k * l.colour().r();
                    light[n + i] += k * l.colour().g();
                    light[2 * n + i] += k * l.colour().b();
                }
            }
        }
        return light;
    }

    /** Identity up to 0.8, then a smooth approach to 1 (highlights compress instead of clipping flat). */
    private static float rollOff(float v) {
        if (v <= 0) {
            return 0;
        }
        return v < 0.8f ? v : 0.8f + 0.2f * (1 - (float) Math.exp(-(v - 0.8f) / 0.2f));
    }
}
