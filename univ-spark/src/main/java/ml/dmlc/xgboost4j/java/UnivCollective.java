package ml.dmlc.xgboost4j.java;

import java.nio.ByteBuffer;

/**
 * The two things UNIV needs from XGBoost4J's collective that its public API does not offer, reached through the
 * package-private JNI class (this file sits in XGBoost4J's package for that reason only):
 * <ul>
 *   <li>an in-place float SUM all-reduce over a caller-owned direct buffer — {@code Communicator.allReduce(float[])}
 *       allocates a new direct buffer and copies element by element on every call, and per-step direct buffers
 *       pile up until a GC;</li>
 *   <li>a tracker that ranks workers by task id (sortby = 1) instead of by host, so that rank = Spark partition
 *       and the order of every floating-point sum is the same in every attempt — {@code RabitTracker} fixes
 *       sortby = 0.</li>
 * </ul>
 * Everything else (init, rank, world size, shutdown) goes through {@link Communicator}.
 */
public final class UnivCollective {
    private static final int SORT_BY_TASK = 1;

    private UnivCollective() {}

    /** Sums {@code count} native-order floats of {@code direct} over all workers, in place. */
    public static void allReduceSum(ByteBuffer direct, int count) throws XGBoostError {
        if (!direct.isDirect() || direct.capacity() < 4L * count) {
            throw new IllegalArgumentException("all-reduce needs a direct buffer of at least " + 4L * count + " bytes");
        }
        XGBoostJNI.checkCall(XGBoostJNI.CommunicatorAllreduce(direct, count,
                Communicator.DataType.FLOAT32.getEnumOp(), Communicator.OpType.SUM.getOperand()));
    }

    /**
     * A tracker bound to {@code host} (an interface address; port chosen by the system) for {@code workers} workers
     * ranked by their {@code dmlc_task_id}; {@code timeoutSeconds} bounds how long it waits for them to connect.
     */
    public static long createTracker(String host, int workers, int timeoutSeconds) throws XGBoostError {
        long[] handle = new long[1];
        XGBoostJNI.checkCall(XGBoostJNI.TrackerCreate(host, workers, 0, SORT_BY_TASK, timeoutSeconds, handle));
        return handle[0];
    }

    /** Starts serving workers (returns at once; the tracker runs on a native thread). */
    public static void startTracker(long handle) throws XGBoostError {
        XGBoostJNI.checkCall(XGBoostJNI.TrackerRun(handle));
    }

    /** The worker arguments ({@code dmlc_tracker_uri}, {@code dmlc_tracker_port}) as JSON. */
    public static String workerArgs(long handle, long timeoutSeconds) throws XGBoostError {
        String[] out = new String[1];
        XGBoostJNI.checkCall(XGBoostJNI.TrackerWorkerArgs(handle, timeoutSeconds, out));
        return out[0];
    }

    /** Waits until every worker has shut down (or the timeout, in seconds, passes). */
    public static void waitForTracker(long handle, long timeoutSeconds) throws XGBoostError {
        XGBoostJNI.checkCall(XGBoostJNI.TrackerWaitFor(handle, timeoutSeconds));
    }

    /** Stops the tracker and frees it. */
    public static void freeTracker(long handle) throws XGBoostError {
        XGBoostJNI.checkCall(XGBoostJNI.TrackerFree(handle));
    }
}
