package org.univ.spark.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.univ.data.DataCheck;
import org.univ.data.DataCheckText;
import org.univ.data.RootSpec;
import org.univ.spark.check.DistributedDataCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code univ spark data-check}: {@code univ data check} with the image reads spread over the cluster. */
@Command(name = "data-check", mixinStandardHelpOptions = true,
        description = {"`univ data check` over many pairs: file names are scanned on the driver, image headers (or"
                + " full decodes) read by the executors, the report aggregated. Exits 1 when a root is unusable."})
final class SparkDataCheckCommand implements Callable<Integer> {
    @Mixin
    SparkOptions spark;

    @Parameters(paramLabel = "ROOT[:IDS]", arity = "1..*", description = "data roots, optionally with a file of pair ids")
    List<String> roots;

    @Option(names = "--layout", description = "folders of every root: vi-ir, visible-infrared, mvip, or RGBDIR,IRDIR (default: detect)")
    String layout;

    @Option(names = "--decode", description = "decode every image fully (finds files truncated after their header)")
    boolean decode;

    @Option(names = "--json", description = "machine-readable output (all names listed)")
    boolean json;

    @Option(names = "--list", defaultValue = "10", description = "names listed per category in text output (default ${DEFAULT-VALUE})")
    int list;

    @Option(names = "--partitions", defaultValue = "0", description = "partitions (default: Spark's default parallelism)")
    int partitions;

    @Override
    public Integer call() {
        List<RootSpec> specs = RootSpec.parseAll(roots, layout);
        SparkSession session = spark.session("univ data check");
        DataCheck.Report report;
        try {
            report = DistributedDataCheck.run(JavaSparkContext.fromSparkContext(session.sparkContext()), specs, decode, partitions);
        } finally {
            session.stop();
        }
        System.out.print(DataCheckText.render(report, json, list));
        return report.usable() ? 0 : 1;
    }
}
