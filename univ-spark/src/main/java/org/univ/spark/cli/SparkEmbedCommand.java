package org.univ.spark.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.univ.spark.embed.EmbedJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code univ spark embed}: pooled (and optionally patch) tokens of every image, to Parquet. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embeds every RGB and/or IR image of the pairs with a backbone (one model per executor, batched)"
                + " and writes Parquet: id, root, modality, grid_h, grid_w, pooled (mean patch token)[, tokens]."})
final class SparkEmbedCommand implements Callable<Integer> {
    @Mixin
    SparkOptions spark;

    @Parameters(paramLabel = "ROOT[:IDS]", arity = "1..*", description = "data roots of aligned pairs (as `univ data check`)")
    List<String> roots;

    @Option(names = "--weights", required = true, description = "backbone (.safetensors or .pth), e.g. a pre-trained student")
    Path weights;

    @Option(names = "--key", description = "state dict inside a .pth (student, teacher, model…)")
    String key;

    @Option(names = "--out", required = true, description = "output folder (path or hdfs://, s3a:// URI)")
    String out;

    @Option(names = "--size", defaultValue = "224", description = "images are resized to SIZE×SIZE (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--batch", defaultValue = "16", description = "images per forward (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--modality", defaultValue = "both", description = "rgb, ir or both (default ${DEFAULT-VALUE})")
    String modality;

    @Option(names = "--patch-tokens", description = "also store all patch tokens (N·D floats per image)")
    boolean patchTokens;

    @Option(names = "--partitions", defaultValue = "0", description = "partitions (default: Spark's default parallelism)")
    int partitions;

    @Option(names = "--overwrite", description = "replace an existing output folder")
    boolean overwrite;

    @Override
    public Integer call() {
        EmbedJob job = EmbedJob.builder().setWeights(weights).setRoots(roots).setOut(out).optWeightsKey(key).optSize(size)
                .optBatch(batch).optModalities(EmbedJob.modalities(modality)).optPatchTokens(patchTokens)
                .optPartitions(partitions).optOverwrite(overwrite).build();
        SparkSession session = spark.session("univ embed");
        try {
            long t0 = System.nanoTime();
            EmbedJob.Result r = job.run(session);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%d pairs -> %d embeddings in %d partitions, %.1f s (%.1f images/s): %s%n",
                    r.pairs(), r.rows(), r.partitions(), seconds, r.rows() / seconds, r.out());
            return 0;
        } finally {
            session.stop();
        }
    }
}
