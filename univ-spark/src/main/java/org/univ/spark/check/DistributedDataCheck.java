package org.univ.spark.check;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.univ.data.DataCheck;
import org.univ.data.Pair;
import org.univ.data.PairIndex;
import org.univ.data.RootScan;
import org.univ.data.RootSpec;
import org.univ.spark.PairRef;

/**
 * {@code univ data check} over many pairs ({@code univ spark data-check}): the driver scans the roots by file name
 * (layout, pairing, orphans, ids — no image is opened), executors read the image headers (or decode fully) of
 * consecutive slices of the pairs, and the driver adds the slices up per root, in order: the report is exactly
 * {@link DataCheck#run}'s.
 */
public final class DistributedDataCheck {
    private DistributedDataCheck() {}

    /** The headers of one root's pairs within one partition. */
    record Slice(int root, DataCheck.Headers headers) implements Serializable {}

    /** @param partitions slices of the pairs (≤ 0: Spark's default parallelism) */
    public static DataCheck.Report run(JavaSparkContext sc, List<RootSpec> specs, boolean decode, int partitions) {
        PairIndex index = PairIndex.scan(specs);
        List<PairRef> refs = new ArrayList<>(index.size());
        for (int r = 0; r < index.roots().size(); r++) {
            for (Pair p : index.roots().get(r).pairs()) {
                refs.add(PairRef.of(r, p));
            }
        }
        List<DataCheck.Headers> perRoot = new ArrayList<>();
        index.roots().forEach(r -> perRoot.add(DataCheck.Headers.NONE));
        if (!refs.isEmpty()) {
            int slices = Math.min(refs.size(), partitions > 0 ? partitions : sc.defaultParallelism());
            // collect() keeps partition order and slices are consecutive: lists come back in pair order
            for (Slice s : sc.parallelize(refs, slices).mapPartitions(new ReadHeaders(decode)).collect()) {
                perRoot.set(s.root(), perRoot.get(s.root()).plus(s.headers()));
            }
        }
        List<DataCheck.RootReport> roots = new ArrayList<>();
        for (int r = 0; r < index.roots().size(); r++) {
            RootScan scan = index.roots().get(r);
            roots.add(DataCheck.report(scan, perRoot.get(r)));
        }
        return new DataCheck.Report(roots.stream().allMatch(DataCheck.RootReport::usable),
                roots.stream().mapToInt(DataCheck.RootReport::pairs).sum(), roots);
    }

    /** Executor side (no DJL needed): one {@link Slice} per run of consecutive pairs of the same root. */
    private record ReadHeaders(boolean decode) implements FlatMapFunction<Iterator<PairRef>, Slice> {
        @Override
        public Iterator<Slice> call(Iterator<PairRef> refs) {
            List<Slice> out = new ArrayList<>();
            List<Pair> run = new ArrayList<>();
            int root = -1;
            while (refs.hasNext()) {
                PairRef p = refs.next();
                if (p.root() != root && !run.isEmpty()) {
                    out.add(new Slice(root, DataCheck.Headers.of(run, decode)));
                    run.clear();
                }
                root = p.root();
                run.add(p.toPair());
            }
            if (!run.isEmpty()) {
                out.add(new Slice(root, DataCheck.Headers.of(run, decode)));
            }
            return out.iterator();
        }
    }
}
