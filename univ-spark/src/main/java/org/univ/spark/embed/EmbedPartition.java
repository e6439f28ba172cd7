package org.univ.spark.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.univ.data.CoAugment;
import org.univ.downstream.Modality;
import org.univ.eval.AlignmentEvaluation;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;
import org.univ.spark.PairRef;
import org.univ.spark.UnivSpark;
import org.univ.util.Tensors;

/**
 * The executor side of {@link EmbedJob}: pairs of one partition, {@code batch} at a time (decoded, resized to the
 * job's size without crop or flip, normalised as in evaluation), through the executor's one shared model; rows are
 * produced lazily, batch by batch, so a partition never holds more than one batch of embeddings.
 */
final class EmbedPartition implements FlatMapFunction<Iterator<PairRef>, Row> {
    private final String weights;
    private final String weightsKey;
    private final int size;
    private final int batch;
    private final List<Modality> modalities;
    private final boolean patchTokens;

    EmbedPartition(String weights, String weightsKey, int size, int batch, List<Modality> modalities,
                   boolean patchTokens) {
        this.weights = weights;
        this.weightsKey = weightsKey;
        this.size = size;
        this.batch = batch;
        this.modalities = List.copyOf(modalities);
        this.patchTokens = patchTokens;
    }

    @Override
    public Iterator<Row> call(Iterator<PairRef> pairs) {
        UnivSpark.prepareTask();
        Backbone model = ExecutorModels.get(java.nio.file.Path.of(weights), weightsKey);
        CoAugment transform = AlignmentEvaluation.evalTransform(size);
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && pairs.hasNext()) {
                    List<PairRef> next = new ArrayList<>(batch);
                    while (next.size() < batch && pairs.hasNext()) {
                        next.add(pairs.next());
                    }
                    ready.addAll(embed(model, transform, next));
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    private List<Row> embed(Backbone model, CoAugment transform, List<PairRef> refs) {
        int n = refs.size();
        int len = transform.sampleLength();
        float[] rgb = new float[n * len];
        float[] ir = new float[n * len];
        for (int i = 0; i < n; i++) { // decoding failures name the file
            transform.apply(refs.get(i).toPair(), 0, 0, 0, rgb, ir, i);
        }
        Shape shape = new Shape(n, 3, transform.height(), transform.width());
        List<Row> rows = new ArrayList<>(n * modalities.size());
        try (NDManager manager = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            for (Modality modality : modalities) {
                NDArray images = Tensors.fromFloats(manager, modality == Modality.RGB ? rgb : ir, shape);
                BackboneOutput out = model.forward(images);
                NDArray tokens = out.patchTokens();                                   // [n, N, D]
                long dim = tokens.getShape().get(2);
                long perImage = tokens.getShape().get(1) * dim;
                float[] pooled = tokens.mean(new int[] {1}).toFloatArray();         // [n, D]
                float[] all = patchTokens ? tokens.toFloatArray() : null;           // [n, N, D]
                for (int i = 0; i < n; i++) {
                    PairRef p = refs.get(i);
                    float[] mean = java.util.Arrays.copyOfRange(pooled, (int) (i * dim), (int) ((i + 1) * dim));
                    Object[] row = {p.id(), p.rootDir(), modality.key(), out.gridH(), out.gridW(), mean};
                    if (patchTokens) {
                        row = java.util.Arrays.copyOf(row, row.length + 1);
                        row[row.length - 1] = java.util.Arrays.copyOfRange(all, (int) (i * perImage), (int) ((i + 1) * perImage));
                    }
                    rows.add(RowFactory.create(row));
                }
            }
        }
        return rows;
    }
}
