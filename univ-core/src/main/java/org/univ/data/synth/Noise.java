package org.univ.data.synth;

/**
 * Deterministic hashing and smooth value noise: every texture is a pure function of (seed, position),
 * so renders never depend on the order pixels are visited.
 */
final class Noise {
    private Noise() {}

    /** SplitMix64 finaliser: a well-mixed 64-bit hash. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Seed of one stream (pair index, sensor, split, …) under a data-set seed. */
    static long derive(long seed, long stream) {
        return mix64(mix64(seed) + stream * 0x9E3779B97F4A7C15L);
    }

    /** Hash of a lattice point in [0, 1). */
    private static float lattice(long seed, int x, int y) {
        long h = mix64(seed ^ (x * 0x632BE59BD9B4E019L) ^ (y * 0x8CB92BA72F3D8DD7L));
        return (h >>> 40) * 0x1p-24f;
    }

    /** Value noise in [0, 1] with features about one unit wide (smoothstep-interpolated lattice). */
    static float value(long seed, float x, float y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        float fx = x - x0;
        float fy = y - y0;
        fx = fx * fx * (3 - 2 * fx);
        fy = fy * fy * (3 - 2 * fy);
        float top = lerp(lattice(seed, x0, y0), lattice(seed, x0 + 1, y0), fx);
        float bottom = lerp(lattice(seed, x0, y0 + 1), lattice(seed, x0 + 1, y0 + 1), fx);
        return lerp(top, bottom, fy);
    }

    /** Two octaves, centred: roughly in [-1, 1]. */
    static float fractal(long seed, float x, float y) {
        return (value(seed, x, y) - 0.5f) * 1.4f + (value(seed + 1, 2.1f * x, 2.1f * y) - 0.5f) * 0.7f;
    }

    static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }
}
