package org.univ.spark.collective;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.UnivCollective;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.slf4j.LoggerFactory;

/**
 * XGBoost4J's rendezvous tracker, run on the Spark driver (as XGBoost4J-Spark does): workers connect to it, learn
 * their rank (= their task id, i.e. the Spark partition) and their ring neighbours, then exchange data directly.
 * One tracker serves one attempt of one barrier stage.
 *
 * <p>XGBoost 2.1's tracker probes the machine's address before binding, even when given a host: a UDP
 * {@code connect} (no packet is sent) to 10.255.255.255. Without any route for that address (no default route)
 * this fails with "Network is unreachable" and no setting avoids it; {@link #start} then says how to add a route.
 */
public final class Tracker implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long handle;
    private final int workers;
    private final Map<String, Object> workerArgs;
    private boolean closed;

    private Tracker(long handle, int workers, Map<String, Object> workerArgs) {
        this.handle = handle;
        this.workers = workers;
        this.workerArgs = workerArgs;
    }

    /**
     * @param host the address workers reach the driver at (127.0.0.1 in local mode; {@code spark.driver.host} on a
     *             cluster); the tracker listens there only
     * @param timeoutSeconds how long the tracker waits for all workers to connect
     */
    public static Tracker start(String host, int workers, int timeoutSeconds) {
        long handle;
        try {
            handle = UnivCollective.createTracker(host, workers, timeoutSeconds);
        } catch (XGBoostError e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("unreachable") || m.contains("Failed to find IP address")) {
                throw new CollectiveException("XGBoost's tracker could not start on " + host + ": before binding it probes"
                        + " this machine's address with a UDP connect to 10.255.255.255 (no packet is sent), and this machine"
                        + " has no route for that address (no default route). Add one, e.g. `ip route add 10.255.255.255/32"
                        + " dev lo` (root), or run where a default route exists. Cause: " + firstLine(m), e);
            }
            throw new CollectiveException("XGBoost's tracker could not start on " + host + ": " + firstLine(m), e);
        }
        try {
            UnivCollective.startTracker(handle);
            Map<String, Object> args = JSON.readValue(UnivCollective.workerArgs(handle, timeoutSeconds),
                    new TypeReference<HashMap<String, Object>>() {});
            return new Tracker(handle, workers, args);
        } catch (XGBoostError | IOException e) {
            free(handle);
            throw new CollectiveException("XGBoost's tracker did not start: " + firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    /** What every worker passes to {@link Collective#join} ({@code dmlc_tracker_uri}, {@code dmlc_tracker_port}). */
    public Map<String, Object> workerArgs() {
        return new HashMap<>(workerArgs);
    }

    public int workers() {
        return workers;
    }

    /** Stops the tracker (workers still connected see their collectives fail). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                free(handle);
            } catch (CollectiveException e) { // after a failed attempt the tracker reports that failure again
                LoggerFactory.getLogger(Tracker.class).debug("stopping the tracker: {}", e.getMessage());
            }
        }
    }

    private static void free(long handle) {
        try {
            UnivCollective.freeTracker(handle);
        } catch (XGBoostError e) {
            throw new CollectiveException("could not stop XGBoost's tracker: " + firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " " + t.substring(nl + 1).lines().filter(l -> l.startsWith("- "))
                .reduce((a, b) -> a + " " + b).orElse("");
    }
}
