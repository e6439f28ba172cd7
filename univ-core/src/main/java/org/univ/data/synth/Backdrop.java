package org.univ.data.synth;

import java.util.List;

/**
 * The sky and the ground, painted per pixel from their geometry: every row below the horizon is ground
 * at the depth that row sees, split laterally into carriageway (with lane markings), the verge strip
 * beside it and whatever lies beyond (pavement or grass).
 */
final class Backdrop {
    private Backdrop() {}

    /**
     * A sky: colour from the horizon to the zenith with clouds over it; temperatures at both ends.
     *
     * @param cloudCover 0 clear … 1 overcast
     */
    record Sky(Rgb zenith, Rgb horizon, Rgb clouds, float cloudCover, float zenithCelsius, float horizonCelsius,
               long seed) {}

    /** A lane marking at lateral position {@code x} (m), dashed or solid. */
    record Marking(float x, float halfWidth, boolean dashed, Material paint) {}

    /** One side of the road: a strip {@code width} metres wide next to the carriageway, then the rest. */
    record Verge(float width, Material strip, Material beyond) {}

    /**
     * A straight road along Z between lateral positions {@code left} and {@code right} (m); dashes are
     * {@code dashLength} long every {@code dashPeriod} metres.
     */
    record Road(float left, float right, Material asphalt, List<Marking> markings, float dashLength, float dashPeriod,
                float dashPhase, Verge leftVerge, Verge rightVerge) {}

    static void paint(Canvas canvas, Camera camera, Sky sky, Road road) {
        for (int y = 0; y < canvas.height; y++) {
            if (y + 0.5f <= camera.horizon()) {
                paintSkyRow(canvas, camera, sky, y);
            } else {
                paintGroundRow(canvas, camera, road, y);
            }
        }
    }

    private static void paintSkyRow(Canvas canvas, Camera camera, Sky sky, int y) {
        float t = (float) Math.pow(Math.min(1, (camera.horizon() - y - 0.5f) / camera.horizon()), 0.6);
        Rgb base = sky.horizon().mix(sky.zenith(), t);
        float baseCelsius = sky.horizonCelsius() + (sky.zenithCelsius() - sky.horizonCelsius()) * t;
        float s = canvas.pixelScale;
        for (int x = 0; x < canvas.width; x++) {
            // clouds: broad, horizontally stretched blobs; denser where cover is high
            float c = 0.7f * Noise.value(sky.seed(), x / (30 * s), y / (9 * s)) + 0.3f * Noise.value(sky.seed() + 1, x / (9 * s), y / (4 * s));
            float density = sky.cloudCover() <= 0 ? 0 : smoothstep(1.05f - sky.cloudCover(), 1.3f - sky.cloudCover(), c);
            canvas.set(x, y, SegClass.SKY, Rgb.BLACK, base.mix(sky.clouds(), 0.85 * density),
                    baseCelsius + density * 0.6f * (sky.horizonCelsius() - baseCelsius));
        }
    }

    private static void paintGroundRow(Canvas canvas, Camera camera, Road road, int y) {
        float z = camera.groundDepth(y + 0.5f);
        float pixelsPerMetre = camera.focal() / z;
        for (int x = 0; x < canvas.width; x++) {
            float wx = camera.worldX(x + 0.5f, z);
            if (wx >= road.left() && wx <= road.right()) {
                canvas.fill(x, y, road.asphalt(), 1, 0);
                for (Marking m : road.markings()) {
                    boolean painted = !m.dashed() || floorMod(z + road.dashPhase(), road.dashPeriod()) < road.dashLength();
                    float centre = camera.imageX(m.x(), z);
                    float half = m.halfWidth() * pixelsPerMetre;
                    float coverage = Math.max(0, Math.min(x + 1, centre + half) - Math.max(x, centre - half));
                    if (painted && coverage > 0) {
                        canvas.overlay(x, y, m.paint(), Math.min(1, coverage));
                    }
                }
            } else {
                Verge v = wx < road.left() ? road.leftVerge() : road.rightVerge();
                float fromEdge = wx < road.left() ? road.left() - wx : wx - road.right();
                canvas.fill(x, y, fromEdge < v.width() ? v.strip() : v.beyond(), 1, 0);
            }
        }
    }

    private static float floorMod(float a, float m) {
        float r = a % m;
        return r < 0 ? r + m : r;
    }

    static float smoothstep(float lo, float hi, float v) {
        float t = Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
        return t * t * (3 - 2 * t);
    }
}
