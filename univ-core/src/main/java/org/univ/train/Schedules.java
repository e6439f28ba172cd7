package org.univ.train;

/** Per-step schedules as plain functions (METHOD §6), as DINO's {@code cosine_scheduler} computes them. */
public final class Schedules {
    private Schedules() {}

    /** Cosine from {@code start} (step 0) to {@code end} (step {@code total}). */
    public static double cosine(double start, double end, long step, long total) {
        if (total <= 0) {
            return end;
        }
        double progress = Math.min(1.0, Math.max(0.0, (double) step / total));
        return end + 0.5 * (start - end) * (1 + Math.cos(Math.PI * progress));
    }

    /**
     * Learning rate at {@code step} of {@code total}: linear warm-up from 0 over {@code warmup} steps,
     * then cosine from {@code peak} to {@code min}; or {@code peak} throughout when not {@code cosine}.
     */
    public static double learningRate(double peak, double min, long warmup, long step, long total, boolean cosine) {
        if (step < warmup) {
            return peak * step / warmup;
        }
        return cosine ? cosine(peak, min, step - warmup, total - warmup) : peak;
    }

    /** Peak lr from the authors' rule {@code base × batch / 256}. */
    public static double scaledLr(double baseLr, int batch) {
        return baseLr * batch / 256.0;
    }

    /**
     * mmseg's {@code PolyLR} (power 1.0 by default there): {@code (peak − min)·(1 − step/total)^power + min}, after a
     * linear warm-up from 0 over {@code warmup} steps when {@code warmup > 0}.
     */
    public static double poly(double peak, double min, double power, long warmup, long step, long total) {
        if (step < warmup) {
            return peak * step / warmup;
        }
        double progress = total <= 0 ? 1.0 : Math.min(1.0, Math.max(0.0, (double) step / total));
        return (peak - min) * Math.pow(1 - progress, power) + min;
    }
}
