package org.univ.data.synth;

import java.awt.Shape;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

/**
 * The scene rasterised once, before any camera looks at it: per pixel the albedo and emitted light
 * (colour camera), the temperature (thermal camera), the class and the box instance (labels). Parts are
 * painted back to front and a pixel belongs to the part whose shape holds its centre, so the three
 * outputs agree on every edge by construction.
 */
final class Canvas {
    private static final long THERMAL_STREAM = 0x7E7E7E7EL;

    final int width;
    final int height;
    /** Image width over 160: texture sizes are given at 160 px and scale with the image. */
    final float pixelScale;
    final float[] albedo;   // [3, H, W]
    final float[] emission; // [3, H, W]
    final float[] celsius;  // [H, W]
    final byte[] segClass;  // [H, W] SegClass ids
    final int[] instance;   // [H, W] 0 = no box, i ≥ 1 = instanceClasses.get(i - 1)
    final List<BoxClass> instanceClasses = new ArrayList<>();

    Canvas(int width, int height) {
        this.width = width;
        this.height = height;
        this.pixelScale = width / 160f;
        int n = width * height;
        albedo = new float[3 * n];
        emission = new float[3 * n];
        celsius = new float[n];
        segClass = new byte[n];
        instance = new int[n];
    }

    int pixels() {
        return width * height;
    }

    /** Sets a pixel directly (the sky: emitted light only). */
    void set(int x, int y, SegClass c, Rgb reflect, Rgb emit, float degrees) {
        int i = y * width + x;
        int n = pixels();
        for (int ch = 0; ch < 3; ch++) {
            albedo[ch * n + i] = reflect.channel(ch);
            emission[ch * n + i] = emit.channel(ch);
        }
        celsius[i] = degrees;
        segClass[i] = (byte) c.id();
        instance[i] = 0;
    }

    /** Paints a pixel of a material; {@code shading} scales its albedo. */
    void fill(int x, int y, Material m, float shading, int inst) {
        int i = y * width + x;
        int n = pixels();
        float k = shading * texture(m, x, y);
        for (int ch = 0; ch < 3; ch++) {
            albedo[ch * n + i] = m.albedo().channel(ch) * k;
            emission[ch * n + i] = m.emission().channel(ch);
        }
        celsius[i] = temperature(m, x, y);
        segClass[i] = (byte) m.segClass().id();
        instance[i] = inst;
    }

    /** Blends a material over a pixel by its coverage (thin lane markings), keeping the pixel's class. */
    void overlay(int x, int y, Material m, float coverage) {
        int i = y * width + x;
        int n = pixels();
        float k = texture(m, x, y);
        for (int ch = 0; ch < 3; ch++) {
            albedo[ch * n + i] += (m.albedo().channel(ch) * k - albedo[ch * n + i]) * coverage;
        }
        celsius[i] += (temperature(m, x, y) - celsius[i]) * coverage;
    }

    /** Paints an object: its shadows, then its parts back to front, under a new box instance if it has a box class. */
    void paint(SceneObject object) {
        int inst = 0;
        if (object.boxClass() != null) {
            instanceClasses.add(object.boxClass());
            inst = instanceClasses.size();
        }
        for (Shade s : object.shades()) {
            shade(s);
        }
        for (Part p : object.parts()) {
            paint(p, inst);
        }
    }

    void paint(Part part, int inst) {
        Material m = part.material();
        Rectangle2D b = part.shape().getBounds2D();
        float top = (float) b.getMinY();
        float extent = (float) Math.max(1, b.getHeight());
        forEachPixel(part.shape(), (x, y) -> fill(x, y, m, 1 + m.topLight() * (0.5f - (y + 0.5f - top) / extent), inst));
    }

    void shade(Shade s) {
        int n = pixels();
        forEachPixel(s.shape(), (x, y) -> {
            int i = y * width + x;
            for (int ch = 0; ch < 3; ch++) {
                albedo[ch * n + i] *= s.albedoFactor();
            }
            celsius[i] += s.deltaCelsius();
        });
    }

    private interface PixelAction {
        void at(int x, int y);
    }

    /** Visits the pixels whose centres lie inside the shape, clipped to the image. */
    private void forEachPixel(Shape shape, PixelAction action) {
        Rectangle2D b = shape.getBounds2D();
        int x0 = Math.max(0, (int) Math.floor(b.getMinX()));
        int x1 = Math.min(width, (int) Math.ceil(b.getMaxX()));
        int y0 = Math.max(0, (int) Math.floor(b.getMinY()));
        int y1 = Math.min(height, (int) Math.ceil(b.getMaxY()));
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if (shape.contains(x + 0.5, y + 0.5)) {
                    action.at(x, y);
                }
            }
        }
    }

    private float texture(Material m, int x, int y) {
        if (m.texture() == 0) {
            return 1;
        }
        float s = m.textureScale() * pixelScale;
        return Math.max(0, 1 + m.texture() * Noise.fractal(m.noiseSeed(), x / s, y / s));
    }

    private float temperature(Material m, int x, int y) {
        if (m.thermalTexture() == 0) {
            return m.celsius();
        }
        float s = 3 * m.textureScale() * pixelScale; // heat spreads: thermal texture is coarser than colour texture
        return m.celsius() + m.thermalTexture() * Noise.fractal(m.noiseSeed() ^ THERMAL_STREAM, x / s, y / s);
    }
}
