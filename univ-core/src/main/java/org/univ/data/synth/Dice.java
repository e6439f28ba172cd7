package org.univ.data.synth;

import java.util.List;
import java.util.SplittableRandom;

/** The draws scene sampling needs, over one seeded {@link SplittableRandom} (no global or time-based state). */
final class Dice {
    private final SplittableRandom random;

    Dice(long seed) {
        this(new SplittableRandom(seed));
    }

    private Dice(SplittableRandom random) {
        this.random = random;
    }

    /** An independent stream, so later changes to one consumer do not shift another's draws. */
    Dice split() {
        return new Dice(random.split());
    }

    float uniform(double lo, double hi) {
        return (float) (lo + (hi - lo) * random.nextDouble());
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** Uniform in [0, n). */
    int below(int n) {
        return random.nextInt(n);
    }

    /** Uniform in [lo, hi]. */
    int between(int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }

    <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    float gaussian() {
        return (float) random.nextGaussian();
    }

    long nextLong() {
        return random.nextLong();
    }

    /** Each channel scaled by its own factor in 1 ± {@code hue}, all by one in 1 ± {@code brightness}. */
    Rgb vary(Rgb c, double hue, double brightness) {
        float k = uniform(1 - brightness, 1 + brightness);
        return Rgb.of(c.r() * k * uniform(1 - hue, 1 + hue), c.g() * k * uniform(1 - hue, 1 + hue),
                c.b() * k * uniform(1 - hue, 1 + hue));
    }
}
