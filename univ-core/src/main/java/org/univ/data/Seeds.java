package org.univ.data;

import java.util.SplittableRandom;

/** Independent random streams keyed by (purpose, seed, epoch, index): no state, so no dependence on threads or order. */
public final class Seeds {
    public static final long AUGMENT = 0x4155_474dL;
    public static final long SHUFFLE = 0x5348_5546L;
    /** Segmentation training: sampling, scale, crop and flip. */
    public static final long SEGMENT = 0x5345_474dL;

    private Seeds() {}

    public static SplittableRandom random(long purpose, long seed, long epoch, long index) {
        long h = mix(purpose * 0x9E3779B97F4A7C15L);
        h = mix(h ^ seed);
        h = mix(h ^ (epoch * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
        h = mix(h ^ (index * 0x9E3779B97F4A7C15L + 0x27D4EB2F165667C5L));
        return new SplittableRandom(h);
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
