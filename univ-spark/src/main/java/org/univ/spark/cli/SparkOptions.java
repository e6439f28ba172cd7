package org.univ.spark.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.univ.spark.UnivSpark;
import picocli.CommandLine.Option;

/** What every {@code univ spark} command takes, as spark-submit does: the master and extra Spark settings. */
public final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[N], local[*], spark://HOST:7077, yarn, k8s://https://HOST:PORT"
                    + " (default: spark-submit's --master, else local[*])")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "a Spark setting, e.g. --conf spark.executor.memory=8g (repeatable)")
    Map<String, String> conf = new LinkedHashMap<>();

    /** The master in effect: --master, else what spark-submit set, else local[*]. */
    public String master() {
        if (master != null) {
            return master;
        }
        String submitted = System.getProperty("spark.master");
        return submitted != null ? submitted : "local[*]";
    }

    public SparkSession session(String appName) {
        return UnivSpark.session(master(), appName, conf);
    }
}
