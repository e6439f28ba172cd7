package org.univ.spark.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.univ.spark.collective.CollectiveException;

/**
 * The task failures of one attempt, as the driver's listener bus reports them. When one worker fails, the others'
 * all-reduce fails right after; Spark's job error names whichever failure it saw first, so the root cause is the
 * first failure that is not a collective one.
 */
final class TaskFailures extends SparkListener {
    private final List<String> failures = new ArrayList<>();

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() instanceof ExceptionFailure e) {
            failures.add(e.className() + ": " + e.description());
        } else if (end.reason() instanceof TaskFailedReason r && !(end.reason() instanceof TaskKilled)) {
            failures.add(r.toErrorString()); // e.g. an executor lost
        }
        notifyAll();
    }

    /**
     * The root cause: the first failure that is not a collective one, waiting up to {@code waitMillis} for it (events
     * arrive asynchronously); else the first failure, else {@code fallback}.
     */
    synchronized String rootCause(String fallback, long waitMillis) {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (true) {
            var root = failures.stream().filter(f -> !f.startsWith(CollectiveException.class.getName())).findFirst();
            long left = deadline - System.currentTimeMillis();
            if (root.isPresent() || left <= 0) {
                return root.orElse(failures.isEmpty() ? fallback : failures.get(0));
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fallback;
            }
        }
    }
}
