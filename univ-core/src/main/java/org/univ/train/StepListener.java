package org.univ.train;

/** Progress callback of the trainer (the CLI draws a progress bar from it). */
public interface StepListener {
    /** One finished optimiser step. */
    record StepInfo(long step, long totalSteps, double loss, double lossIr, double lossRgb, double lr,
                    double weightDecay, double pairsPerSecond, double secondsElapsed) {
        public double etaSeconds() {
            return pairsPerSecond <= 0 ? Double.NaN : secondsElapsed / Math.max(1, step) * (totalSteps - step);
        }
    }

    void onStep(StepInfo info);

    default void onMessage(String message) {
    }
}
