package org.univ.spark;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.univ.data.synth.SceneGenerator;

/** Shared test fixtures: one local[2] Spark session for the whole test JVM, generated pairs. */
public final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {}

    /** local[2] with UNIV's defaults (loopback, no UI); stopped when the test JVM exits. */
    public static synchronized SparkSession session() {
        if (session == null || session.sparkContext().isStopped()) { // a CLI test's command stops its session
            session = UnivSpark.session("local[2]", "univ-spark-tests", Map.of("spark.sql.shuffle.partitions", "2"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
        }
        return session;
    }

    public static JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }

    /** {@code pairs} generated aligned RGB/IR road scenes (64×48) in {@code dir}. */
    public static Path scenes(Path dir, int pairs) {
        SceneGenerator.builder().optSize(64, 48).optSeed(5).build().write(dir, pairs);
        return dir;
    }
}
