package org.univ.cli;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.univ.detect.DetectionTrainer;

/**
 * Progress of detection training (one or many runs): a progress bar over all steps on a console, else a log line
 * every 50 steps, as {@code univ pretrain} does.
 */
final class DetProgress implements DetectionTrainer.Listener, AutoCloseable {
    private final ProgressBar bar;
    private final long total;
    private long done;

    DetProgress(String task, long totalSteps, boolean plain) {
        this.total = totalSteps;
        this.bar = plain || System.console() == null ? null : new ProgressBarBuilder().setTaskName(task)
                .setInitialMax(totalSteps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                .setUnit(" steps", 1).build();
    }

    @Override
    public void onStep(DetectionTrainer.Step s) {
        done++;
        String extra = String.format(Locale.ROOT, "loss %.4f (focal %.4f, offset %.4f, size %.4f) lr %.2e",
                s.loss(), s.focal(), s.offset(), s.size(), s.lr());
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(" " + extra);
        } else if (s.step() % 50 == 0 || s.step() == s.total() || s.step() == 1) {
            System.out.printf(Locale.ROOT, "step %d/%d (%d/%d overall)  %s  %.1f s%n", s.step(), s.total(), done, total,
                    extra, s.seconds());
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
