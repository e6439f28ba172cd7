package org.univ.spark.embed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.univ.data.Pair;
import org.univ.data.PairIndex;
import org.univ.downstream.Modality;
import org.univ.spark.PairRef;

/**
 * Distributed embedding extraction ({@code univ spark embed}): the pairs of one or more roots (listed on the driver
 * by file name), spread over partitions; every executor loads the backbone once ({@link ExecutorModels}) and embeds
 * its pairs in batches. Output: Parquet with one row per image — {@code id}, {@code root}, {@code modality}
 * ({@code rgb}/{@code ir}), the token grid {@code grid_h} × {@code grid_w}, {@code pooled} (mean of the final-norm
 * patch tokens, D floats) and optionally {@code tokens} (all patch tokens, N·D floats row-major, token-major).
 */
public final class EmbedJob {
    /** Which images of each pair are embedded: {@code rgb}, {@code ir} (any {@link Modality#parse} spelling) or {@code both}. */
    public static List<Modality> modalities(String s) {
        return "both".equalsIgnoreCase(s.trim()) ? List.of(Modality.RGB, Modality.IR) : List.of(Modality.parse(s));
    }

    private final Path weights;
    private final String weightsKey;
    private final List<String> roots;
    private final String out;
    private final int size;
    private final int batch;
    private final List<Modality> modalities;
    private final boolean patchTokens;
    private final int partitions;
    private final boolean overwrite;

    private EmbedJob(Builder b) {
        weights = b.weights;
        weightsKey = b.weightsKey;
        roots = b.roots;
        out = b.out;
        size = b.size;
        batch = b.batch;
        modalities = b.modalities;
        patchTokens = b.patchTokens;
        partitions = b.partitions;
        overwrite = b.overwrite;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @param rows images embedded (pairs × modalities) */
    public record Result(String out, long pairs, long rows, int partitions) {}

    /** The Parquet schema of the output. */
    public static StructType schema(boolean patchTokens) {
        List<StructField> fields = new ArrayList<>(List.of(
                DataTypes.createStructField("id", DataTypes.StringType, false),
                DataTypes.createStructField("root", DataTypes.StringType, false),
                DataTypes.createStructField("modality", DataTypes.StringType, false),
                DataTypes.createStructField("grid_h", DataTypes.IntegerType, false),
                DataTypes.createStructField("grid_w", DataTypes.IntegerType, false),
                DataTypes.createStructField("pooled", DataTypes.createArrayType(DataTypes.FloatType, false), false)));
        if (patchTokens) {
            fields.add(DataTypes.createStructField("tokens", DataTypes.createArrayType(DataTypes.FloatType, false), false));
        }
        return DataTypes.createStructType(fields);
    }

    public Result run(SparkSession spark) {
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("weights " + weights + " not found (a .safetensors or .pth backbone;"
                    + " on a cluster it must be on storage every executor reaches at the same path)");
        }
        PairIndex index = PairIndex.open(roots.toArray(String[]::new));
        List<PairRef> refs = new ArrayList<>(index.size());
        for (int r = 0; r < index.roots().size(); r++) {
            for (Pair p : index.roots().get(r).pairs()) {
                refs.add(PairRef.of(r, p));
            }
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int slices = partitions > 0 ? partitions : sc.defaultParallelism();
        JavaRDD<Row> rows = sc.parallelize(refs, slices).mapPartitions(new EmbedPartition(weights.toAbsolutePath().toString(),
                weightsKey, size, batch, modalities, patchTokens));
        spark.createDataFrame(rows, schema(patchTokens)).write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .parquet(out);
        return new Result(out, refs.size(), (long) refs.size() * modalities.size(), slices);
    }

    /** {@code setWeights}, {@code setRoots}, {@code setOut} required; the rest optional. */
    public static final class Builder {
        private Path weights;
        private String weightsKey;
        private List<String> roots;
        private String out;
        private int size = 224;
        private int batch = 16;
        private List<Modality> modalities = List.of(Modality.RGB, Modality.IR);
        private boolean patchTokens;
        private int partitions;
        private boolean overwrite;

        private Builder() {}

        public Builder setWeights(Path w) {
            weights = Objects.requireNonNull(w);
            return this;
        }

        /** {@code ROOT} or {@code ROOT:ids.txt} entries, as {@code univ data check} takes them. */
        public Builder setRoots(List<String> r) {
            if (r == null || r.isEmpty()) {
                throw new IllegalArgumentException("no data root given: pass ROOT or ROOT:ids.txt (one or more)");
            }
            roots = List.copyOf(r);
            return this;
        }

        /** Output folder (a local path on shared storage or any Hadoop URI, e.g. hdfs://…, s3a://…). */
        public Builder setOut(String o) {
            out = Objects.requireNonNull(o);
            return this;
        }

        /** State dict inside a .pth file (student, teacher, model…); default automatic. */
        public Builder optWeightsKey(String k) {
            weightsKey = k;
            return this;
        }

        /** Square input side in pixels, a multiple of the patch (default 224). */
        public Builder optSize(int s) {
            if (s <= 0 || s % 16 != 0) {
                throw new IllegalArgumentException("size " + s + " must be a positive multiple of 16");
            }
            size = s;
            return this;
        }

        /** Images per forward on an executor (default 16). */
        public Builder optBatch(int b) {
            if (b < 1) {
                throw new IllegalArgumentException("batch must be >= 1, got " + b);
            }
            batch = b;
            return this;
        }

        public Builder optModalities(List<Modality> m) {
            modalities = List.copyOf(m);
            return this;
        }

        /** Also store every patch token (N·D floats per image; large). Default off. */
        public Builder optPatchTokens(boolean t) {
            patchTokens = t;
            return this;
        }

        /** Partitions (default: Spark's default parallelism). */
        public Builder optPartitions(int p) {
            partitions = p;
            return this;
        }

        /** Replace an existing output folder (default: refuse). */
        public Builder optOverwrite(boolean o) {
            overwrite = o;
            return this;
        }

        public EmbedJob build() {
            if (weights == null || roots == null || out == null) {
                throw new IllegalStateException("EmbedJob needs setWeights, setRoots and setOut");
            }
            return new EmbedJob(this);
        }
    }
}
