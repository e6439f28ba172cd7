package org.univ.spark.collective;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Communicator;
import ml.dmlc.xgboost4j.java.UnivCollective;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * This worker's membership in the collective of one barrier stage (XGBoost4J's communicator: a ring all-reduce
 * over TCP, bootstrapped by the driver's {@link Tracker}). The communicator is per thread, so each Spark task
 * thread is one worker, also several in one executor JVM. Always {@link #close()} it, also after a failure: that
 * closes the sockets, so the other workers' pending all-reduce fails at once instead of at its timeout.
 */
public final class Collective implements AutoCloseable {
    private final int rank;
    private final int worldSize;
    private boolean closed;

    private Collective(int rank, int worldSize) {
        this.rank = rank;
        this.worldSize = worldSize;
    }

    /**
     * Joins the collective; blocks until every worker has joined (or the timeout passes).
     *
     * @param task this worker's task id: the tracker ranks workers by it, so rank = task
     * @param timeoutSeconds bound on every wait: joining, and each all-reduce waiting for a slow or dead peer
     */
    public static Collective join(Map<String, Object> trackerArgs, int task, int timeoutSeconds) {
        Map<String, Object> args = new HashMap<>(trackerArgs);
        args.put("dmlc_task_id", String.format(Locale.ROOT, "%09d", task)); // ranked as strings: zero-padded
        args.put("dmlc_timeout_sec", timeoutSeconds);
        args.put("dmlc_timeout", timeoutSeconds); // the key's older name
        try {
            Communicator.init(args);
            return new Collective(Communicator.getRank(), Communicator.getWorldSize());
        } catch (XGBoostError e) {
            throw new CollectiveException("task " + task + " could not join the collective at " + trackerArgs.get("dmlc_tracker_uri")
                    + ":" + trackerArgs.get("dmlc_tracker_port") + ": " + Tracker.firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    public int rank() {
        return rank;
    }

    public int worldSize() {
        return worldSize;
    }

    /** Sums the first {@code count} native-order floats of a direct buffer over all workers, in place. */
    public void allReduceSum(ByteBuffer direct, int count) {
        try {
            UnivCollective.allReduceSum(direct, count);
        } catch (XGBoostError e) {
            throw new CollectiveException("all-reduce of " + count + " floats failed on rank " + rank + " (a peer died or"
                    + " timed out): " + Tracker.firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Communicator.shutdown();
        } catch (XGBoostError e) {
            throw new CollectiveException("leaving the collective failed on rank " + rank + ": "
                    + Tracker.firstLine(String.valueOf(e.getMessage())), e);
        }
    }
}
