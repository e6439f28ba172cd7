package org.univ.cli;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.univ.detect.DetectionTrainer;
import org.univ.segment.SegTrainer;

/**
 * Progress of a long job (training steps over one or many runs, images): a progress bar on a console; else, or with
 * {@code --no-progress}, a line {@code step N/TOTAL  …} at the first and the last step and every {@code every} steps.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final PrintWriter plainOut;
    private final long total;
    private final long every;
    private long done;

    /** @param out where plain lines go; null prints none (e.g. with --json) */
    Progress(String task, long total, boolean plain, PrintWriter out, long every) {
        boolean console = !plain && out != null && System.console() != null;
        this.total = total;
        this.every = every;
        this.plainOut = console ? null : out;
        this.bar = console ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build() : null;
    }

    /** One step more. */
    void step(String extra) {
        stepTo(done + 1, extra);
    }

    /** {@code n} of the total done; {@code extra} is shown with it. */
    void stepTo(long n, String extra) {
        done = n;
        if (bar != null) {
            bar.stepTo(n);
            bar.setExtraMessage(" " + extra);
        } else if (plainOut != null && (n % every == 0 || n == total || n == 1)) {
            plainOut.printf(Locale.ROOT, "step %d/%d  %s%n", n, total, extra);
            plainOut.flush();
        }
    }

    /** One detection training step (of one run among many, counted over all). */
    void detectionStep(DetectionTrainer.Step s) {
        step(String.format(Locale.ROOT, "run step %d/%d: loss %.4f (focal %.4f, offset %.4f, size %.4f) lr %.2e, %.1f s",
                s.step(), s.total(), s.loss(), s.focal(), s.offset(), s.size(), s.lr(), s.seconds()));
    }

    /** One segmentation training step (of one run among many, counted over all). */
    void segmentationStep(SegTrainer.Step s) {
        step(String.format(Locale.ROOT, "run step %d/%d: loss %.4f lr %.2e %.1f img/s", s.step(), s.total(), s.loss(),
                s.lr(), s.imagesPerSecond()));
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
