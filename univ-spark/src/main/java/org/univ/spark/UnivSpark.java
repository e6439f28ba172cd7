package org.univ.spark;

import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.univ.util.Engines;

/**
 * The Spark settings every UNIV job runs with, and the per-task preparation of an executor.
 * <ul>
 *   <li>Executors: DJL offline and usage tracking opted out (environment and system properties), a writable
 *       engine cache ({@code DJL_CACHE_DIR}: libtorch unpacks ~430 MB there), libtorch threads =
 *       {@code spark.task.cpus} (set by {@link #prepareTask()} in every task).</li>
 *   <li>Barrier stages: {@code spark.barrier.sync.timeout} bounded (Spark's default is a year).</li>
 *   <li>Local masters ({@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]}): the driver binds to
 *       127.0.0.1 and runs without its web UI, so nothing listens or talks beyond loopback.</li>
 * </ul>
 * A setting given explicitly (spark-submit {@code --conf}, {@code spark-defaults.conf}, {@code --conf} of the
 * {@code univ spark} commands) always wins.
 */
public final class UnivSpark {
    /** Where executors unpack libtorch unless {@code spark.executorEnv.DJL_CACHE_DIR} says otherwise. */
    public static final String DEFAULT_ENGINE_CACHE = "/tmp/univ-djl-cache";

    private UnivSpark() {}

    public static boolean isLocal(String master) {
        return master != null && master.trim().toLowerCase(Locale.ROOT).startsWith("local");
    }

    /** UNIV's defaults on top of {@code conf} (its master may be unset when spark-submit sets it). */
    public static SparkConf configure(SparkConf conf) {
        conf.setIfMissing("spark.executorEnv.DJL_OFFLINE", "true");
        conf.setIfMissing("spark.executorEnv.OPT_OUT_TRACKING", "true");
        conf.setIfMissing("spark.executorEnv.DJL_CACHE_DIR", DEFAULT_ENGINE_CACHE);
        conf.setIfMissing("spark.executor.extraJavaOptions", "-Dai.djl.offline=true -DOPT_OUT_TRACKING=true");
        conf.setIfMissing("spark.barrier.sync.timeout", "600s");
        if (isLocal(conf.get("spark.master", null))) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        return conf;
    }

    /** A session for {@code master} (null: the one spark-submit gives) with UNIV's defaults and {@code extra} settings. */
    public static SparkSession session(String master, String appName, Map<String, String> extra) {
        Engines.offline(); // the driver runs DJL too (local mode, exports, references)
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        }
        extra.forEach(conf::set);
        return SparkSession.builder().config(configure(conf)).getOrCreate();
    }

    /**
     * Call first in every task that uses DJL: offline mode (before DJL initialises in this JVM), libtorch intra-op
     * threads = the task's CPUs (so that concurrent tasks of one executor share its cores), and no gradient recording
     * on the task's thread outside training's own scopes (libtorch's per-thread default is on).
     */
    public static void prepareTask() {
        Engines.offline();
        TaskContext task = TaskContext.get();
        Engines.threads(task == null ? 1 : Math.max(1, task.cpus()));
        Engines.noGradOnThisThread();
    }
}
