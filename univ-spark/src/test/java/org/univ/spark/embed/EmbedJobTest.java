package org.univ.spark.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.data.Batch;
import org.univ.data.PairIndex;
import org.univ.data.PairLoader;
import org.univ.eval.AlignmentEvaluation;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;
import org.univ.model.Backbones;
import org.univ.spark.LocalSpark;

class EmbedJobTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path weights;

    @BeforeAll
    static void fixtures() {
        data = LocalSpark.scenes(dir.resolve("scenes"), 10);
        weights = TestModels.saveTinyVit(dir.resolve("vit.safetensors"), 7);
    }

    /** Single process: the same backbone over the pairs in one loader (other batch size), pooled and all tokens by key. */
    static Map<String, float[][]> reference(int size) {
        Map<String, float[][]> out = new HashMap<>();
        PairIndex index = PairIndex.open(data.toString());
        try (NDManager m = NDManager.newBaseManager(); Backbone b = Backbones.load(weights, m, true);
             PairLoader loader = PairLoader.builder().setIndex(index).setAugment(AlignmentEvaluation.evalTransform(size))
                     .setBatchSize(3).optShuffle(false).optDropLast(false).optWorkers(0).build()) {
            for (int k = 0; k < loader.batchesPerEpoch(); k++) {
                Batch batch = loader.next();
                try (NDScope scope = new NDScope()) {
                    for (String modality : List.of("rgb", "ir")) {
                        NDArray images = modality.equals("rgb") ? batch.rgb(m) : batch.ir(m);
                        BackboneOutput o = b.forward(images);
                        NDArray pooled = o.patchTokens().mean(new int[] {1});
                        for (int i = 0; i < batch.size(); i++) {
                            out.put(batch.pairs().get(i).id() + "/" + modality, new float[][] {pooled.get(i).toFloatArray(),
                                    o.patchTokens().get(i).toFloatArray()});
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void parquetEmbeddingsEqualSingleProcessExtraction() {
        SparkSession spark = LocalSpark.session();
        String out = dir.resolve("embeddings").toString();
        int before = ExecutorModels.loaded();
        EmbedJob.Result r = EmbedJob.builder().setWeights(weights).setRoots(List.of(data.toString())).setOut(out)
                .optSize(32).optBatch(4).optPatchTokens(true).optPartitions(3).build().run(spark);
        assertEquals(10, r.pairs());
        assertEquals(20, r.rows());
        assertTrue(ExecutorModels.loaded() - before <= 1, "one model per executor JVM, whatever the partitions");

        List<Row> rows = spark.read().parquet(out).collectAsList();
        assertEquals(20, rows.size());
        Map<String, float[][]> expected = reference(32);
        float pooledDiff = 0;
        float tokenDiff = 0;
        for (Row row : rows) {
            String key = row.getString(row.fieldIndex("id")) + "/" + row.getString(row.fieldIndex("modality"));
            float[][] ref = expected.get(key);
            assertTrue(ref != null, key);
            assertEquals(2, row.getInt(row.fieldIndex("grid_h")));
            assertEquals(data.toAbsolutePath().normalize().toString(), row.getString(row.fieldIndex("root")));
            pooledDiff = Math.max(pooledDiff, maxAbsDiff(ref[0], row.getList(row.fieldIndex("pooled"))));
            tokenDiff = Math.max(tokenDiff, maxAbsDiff(ref[1], row.getList(row.fieldIndex("tokens"))));
        }
        System.out.printf("spark embed vs single process: pooled max-abs-diff %.3g, tokens %.3g%n", pooledDiff, tokenDiff);
        assertTrue(pooledDiff <= 1e-5, "pooled " + pooledDiff);
        assertTrue(tokenDiff <= 1e-5, "tokens " + tokenDiff);

        // an existing output is refused unless overwriting; only IR, no tokens, replaces it
        assertThrows(Exception.class, () -> EmbedJob.builder().setWeights(weights).setRoots(List.of(data.toString()))
                .setOut(out).optSize(32).build().run(spark));
        EmbedJob.builder().setWeights(weights).setRoots(List.of(data.toString())).setOut(out).optSize(32)
                .optModalities(EmbedJob.modalities("ir")).optOverwrite(true).build().run(spark);
        List<Row> ir = spark.read().parquet(out).collectAsList();
        assertEquals(10, ir.size());
        assertEquals(List.of("id", "root", "modality", "grid_h", "grid_w", "pooled"), List.of(ir.get(0).schema().fieldNames()));
    }

    @Test
    void missingWeightsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbedJob.builder()
                .setWeights(dir.resolve("absent.safetensors")).setRoots(List.of(data.toString()))
                .setOut(dir.resolve("x").toString()).build().run(LocalSpark.session()));
        assertTrue(e.getMessage().contains("absent.safetensors"), e.getMessage());
    }

    static float maxAbsDiff(float[] a, List<Float> b) {
        assertEquals(a.length, b.size());
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b.get(i)));
        }
        return max;
    }
}
