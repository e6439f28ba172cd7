package org.univ.data;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How infrared samples wider than 8 bits (16-bit radiometric, 32-bit float TIFF) become [0, 1]:
 * <ul>
 *   <li>{@code minmax} (default): per image, {@code (v - min) / (max - min)} over the whole image (not the crop,
 *       so every crop of one image shares one scale); a constant image becomes 0.</li>
 *   <li>{@code lo:hi}: a fixed range in raw units, {@code (v - lo) / (hi - lo)}; values outside are clipped to
 *       [0, 1] and that is never silent: a warning names the first such file and {@link #clippedImages()} counts them.</li>
 * </ul>
 * 8-bit (and narrower) samples are always divided by {@code 2^bits - 1}, as the IR normalisation statistics assume.
 */
public final class IrScaling {
    private static final Logger LOG = LoggerFactory.getLogger(IrScaling.class);

    private final boolean minMax;
    private final double lo;
    private final double hi;
    private final AtomicLong clippedImages = new AtomicLong();
    private final AtomicBoolean warned = new AtomicBoolean();

    private IrScaling(boolean minMax, double lo, double hi) {
        this.minMax = minMax;
        this.lo = lo;
        this.hi = hi;
    }

    public static IrScaling minMax() {
        return new IrScaling(true, 0, 0);
    }

    public static IrScaling fixed(double lo, double hi) {
        if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("IR range " + lo + ":" + hi + " is empty; give lo:hi with lo < hi (raw sensor units)");
        }
        return new IrScaling(false, lo, hi);
    }

    /** {@code minmax} or {@code lo:hi} (e.g. {@code 20000:40000}). */
    public static IrScaling parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("minmax") || t.equals("min-max") || t.equals("min/max")) {
            return minMax();
        }
        int colon = t.indexOf(':');
        if (colon > 0) {
            try {
                return fixed(Double.parseDouble(t.substring(0, colon)), Double.parseDouble(t.substring(colon + 1)));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("IR scaling '" + s + "': expected 'minmax' or a raw range 'lo:hi' such as 20000:40000");
    }

    public boolean isMinMax() {
        return minMax;
    }

    /** Images that had samples outside the fixed range (always 0 for {@code minmax}). */
    public long clippedImages() {
        return clippedImages.get();
    }

    /** Scales raw samples in place to [0, 1]; {@code source} names the file in the clipping warning. */
    void apply(float[] raw, Object source) {
        double a;
        double b;
        if (minMax) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float v : raw) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            a = min;
            b = max;
        } else {
            a = lo;
            b = hi;
        }
        if (!(b > a)) {
            java.util.Arrays.fill(raw, 0f);
            return;
        }
        float offset = (float) a;
        float inv = (float) (1.0 / (b - a));
        int clipped = 0;
        for (int i = 0; i < raw.length; i++) {
            float v = (raw[i] - offset) * inv;
            if (v < 0f || v > 1f) {
                clipped++;
                v = v < 0f ? 0f : 1f;
            }
            raw[i] = v;
        }
        if (clipped > 0) { // only possible with a fixed range
            clippedImages.incrementAndGet();
            if (warned.compareAndSet(false, true)) {
                LOG.warn("{}: {} of {} IR samples outside the fixed range {} were clipped to [0, 1]; widen the range or use"
                        + " 'minmax' (further files are only counted)", source, clipped, raw.length, this);
            }
        }
    }

    @Override
    public String toString() {
        return minMax ? "minmax" : fmt(lo) + ":" + fmt(hi);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
