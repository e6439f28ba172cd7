package org.univ.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches of co-augmented pairs, endlessly, epoch after epoch: {@code next()} returns batch {@code k} of epoch
 * {@code e}, then {@code k + 1}, then batch 0 of {@code e + 1}.
 * <ul>
 *   <li>Epoch order: a permutation of the index drawn from (seed, epoch) (identity without shuffling);
 *       batch k covers order positions {@code [kB, kB + B)}; with drop-last (default) the tail that does not fill a
 *       batch is left out of that epoch.</li>
 *   <li>Sample randomness: {@link CoAugment#plan} keyed by (seed, epoch, pair index).</li>
 *   <li>So a batch is a pure function of (seed, epoch, k) and the files: the same with 0 or n worker threads,
 *       and {@link #position()} saved after a batch + {@link Builder#optStart} / {@link #seek} resumes exactly.</li>
 *   <li>Decoded images are kept in an {@link ImageCache} (up to its budget), so later epochs skip decoding.</li>
 *   <li>Workers decode and augment whole batches ahead, at most {@code prefetch} batches in flight; results are
 *       handed out in order. Loader threads build float buffers only; NDArrays are made by {@link Batch} on the
 *       caller's thread.</li>
 *   <li>Data-parallel training ({@link Builder#optShard}): loader {@code i} of {@code n} yields the i-th of n equal
 *       slices of every batch (order positions {@code [kB + iB/n, kB + (i+1)B/n)}); epochs, positions and sample
 *       randomness are those of the whole batch, so the n loaders together yield exactly one loader's batches.</li>
 *   <li>Bad files: by default the first decoding failure is rethrown by {@code next()} as an {@link ImageException}
 *       naming the file. With {@code skipBad}, a bad pair is logged once, listed in {@link #badPairs()} and
 *       {@link Batch#skipped()}, and the batch takes the next pairs of the epoch order instead (wrapping around),
 *       so it may share pairs with the following batch.</li>
 * </ul>
 * Not thread-safe: one consumer thread calls {@code next/seek/position/close}.
 */
public final class PairLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PairLoader.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** Batch {@code batch} of epoch {@code epoch}; stored in checkpoints as {@code "epoch:batch"}. */
    public record Position(long epoch, int batch) implements Comparable<Position> {
        public static final Position START = new Position(0, 0);

        public Position {
            if (epoch < 0 || batch < 0) {
                throw new IllegalArgumentException("loader position must be non-negative, got epoch " + epoch + " batch " + batch);
            }
        }

        /** Parses {@link #format()}'s {@code epoch:batch}. */
        public static Position parse(String s) {
            String[] parts = s.trim().split(":");
            try {
                if (parts.length == 2) {
                    return new Position(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
                }
            } catch (NumberFormatException e) {
                // message below
            }
            throw new IllegalArgumentException("loader position '" + s + "': expected epoch:batch, e.g. 3:17");
        }

        public String format() {
            return epoch + ":" + batch;
        }

        @Override
        public int compareTo(Position o) {
            return epoch != o.epoch ? Long.compare(epoch, o.epoch) : Integer.compare(batch, o.batch);
        }
    }

    private record EpochOrder(long epoch, int[] order) {}

    private final PairIndex index;
    private final CoAugment augment;
    private final ImageCache cache;
    private final int batchSize;
    private final int shardIndex;
    private final int shardCount;
    private final long seed;
    private final boolean shuffle;
    private final boolean dropLast;
    private final boolean skipBad;
    private final int prefetch;
    private final int batchesPerEpoch;
    private final ExecutorService pool; // null: batches are built on the caller's thread
    private final ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();
    private final ConcurrentSkipListMap<Integer, BadPair> bad = new ConcurrentSkipListMap<>();
    /** Batch buffers handed back with {@link #recycle}: a batch is MBs of floats, humongous garbage to G1 otherwise. */
    private final java.util.concurrent.ConcurrentLinkedQueue<float[]> spareBuffers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile EpochOrder cachedOrder;
    private Position nextOut;
    private Position nextSubmit;
    private boolean closed;

    private PairLoader(Builder b) {
        index = b.index;
        augment = b.augment;
        cache = b.cache != null ? b.cache : ImageCache.defaultBudget();
        batchSize = b.batchSize;
        shardIndex = b.shardIndex;
        shardCount = b.shardCount;
        seed = b.seed;
        shuffle = b.shuffle;
        dropLast = b.dropLast;
        skipBad = b.skipBad;
        prefetch = b.prefetch > 0 ? b.prefetch : Math.max(2, 2 * b.workers);
        int n = index.size();
        batchesPerEpoch = dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
        if (batchesPerEpoch == 0) {
            throw new DataException("the data has " + n + " pairs, fewer than one batch of " + batchSize
                    + " (drop-last): lower the batch size or add data");
        }
        checkPosition(b.start);
        nextOut = b.start;
        nextSubmit = b.start;
        if (b.workers > 0) {
            int poolId = POOLS.incrementAndGet();
            AtomicInteger threads = new AtomicInteger();
            ThreadFactory tf = r -> {
                Thread t = new Thread(r, "univ-pairs-" + poolId + "-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            pool = Executors.newFixedThreadPool(b.workers, tf);
        } else {
            pool = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The batch size B (of the whole batch, also when this loader yields one shard of it). */
    public int batchSize() {
        return batchSize;
    }

    /** Pairs per {@link #next()}: B, or B / shard count for a shard. */
    public int shardSize() {
        return batchSize / shardCount;
    }

    public long seed() {
        return seed;
    }

    /** The decoded-image cache (its hit counts say how much decoding it saved). */
    public ImageCache cache() {
        return cache;
    }

    /** The position of the batch the next {@link #next()} returns: save it after a step to resume there. */
    public Position position() {
        return nextOut;
    }

    /** Continues from {@code p}; batches already prefetched are dropped. */
    public void seek(Position p) {
        ensureOpen();
        checkPosition(p);
        cancelInFlight();
        nextOut = p;
        nextSubmit = p;
    }

    /** Bad pairs met so far (skipBad), in index order. */
    public List<BadPair> badPairs() {
        return List.copyOf(bad.values());
    }

    /** The pair indices of an epoch in the order batches take them. */
    public int[] order(long epoch) {
        return epochOrder(epoch).clone();
    }

    private int[] epochOrder(long epoch) {
        EpochOrder c = cachedOrder;
        if (c != null && c.epoch() == epoch) {
            return c.order();
        }
        int n = index.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) { // Fisher–Yates from the (seed, epoch) stream
            SplittableRandom rng = Seeds.random(Seeds.SHUFFLE, seed, epoch, 0);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        cachedOrder = new EpochOrder(epoch, order);
        return order;
    }

    /** The next batch; blocks until it is ready. Decoding failures are rethrown here, naming the file. */
    public Batch next() {
        ensureOpen();
        Batch batch;
        if (pool == null) {
            batch = build(nextOut);
        } else {
            topUp();
            Future<Batch> f = inFlight.poll();
            try {
                batch = f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelInFlight();
                nextSubmit = nextOut;
                throw new DataException("interrupted while waiting for batch " + nextOut.format(), e);
            } catch (ExecutionException e) {
                cancelInFlight();
                nextSubmit = nextOut; // a retry starts again from the failed batch
                throw rethrown(e.getCause(), nextOut);
            }
        }
        nextOut = advance(nextOut);
        if (pool != null) {
            topUp();
        }
        return batch;
    }

    /** Stops the workers and drops prefetched batches. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelInFlight();
        if (pool != null) {
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("pair loader threads still busy 10 s after close()");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Builds batch {@code p} (or this loader's shard of it): the first readable pairs from its place in the epoch order. */
    Batch build(Position p) {
        int[] order = epochOrder(p.epoch());
        int n = order.length;
        int start = p.batch() * batchSize + shardIndex * shardSize();
        int want = Math.min(shardSize(), n - start);
        int len = augment.sampleLength();
        float[] rgb = buffer(want * len);
        float[] ir = buffer(want * len);
        List<Pair> pairs = new ArrayList<>(want);
        List<BadPair> skipped = new ArrayList<>();
        for (int k = 0; pairs.size() < want; k++) {
            if (k == n) {
                throw new DataException("only " + (n - bad.size()) + " of " + n + " pairs are readable, fewer than a batch of "
                        + want + "; bad pairs: " + PairIndex.firstFew(bad.values().stream().map(BadPair::toString).toList()));
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("pair loader closed");
            }
            int pairIndex = order[(start + k) % n];
            BadPair known = bad.get(pairIndex);
            if (known != null) {
                skipped.add(known);
                continue;
            }
            Pair pair = index.get(pairIndex);
            try {
                augment.apply(cache.get(pair.rgbPath()), cache.get(pair.irPath()), pair, seed, p.epoch(), pairIndex, rgb, ir, pairs.size());
                pairs.add(pair);
            } catch (ImageException e) {
                if (!skipBad) {
                    throw e;
                }
                BadPair b = new BadPair(pair, e.file(), e.what());
                if (bad.putIfAbsent(pairIndex, b) == null) {
                    LOG.warn("skipping pair {} (skipBad): {}: {}", pair, e.file(), e.what());
                }
                skipped.add(b);
            }
        }
        return new Batch(p.epoch(), p.batch(), augment.height(), augment.width(), rgb, ir, List.copyOf(pairs), List.copyOf(skipped));
    }

    /**
     * Hands {@code batch}'s buffers back for later batches to reuse: call it once its floats have been copied out
     * (e.g. into NDArrays) and neither the batch nor its arrays are used any more.
     */
    public void recycle(Batch batch) {
        if (spareBuffers.size() < 2 * (prefetch + 2)) { // at most what the batches in flight can hold at once
            spareBuffers.add(batch.rgb());
            spareBuffers.add(batch.ir());
        }
    }

    /** A spare buffer of exactly {@code length} floats (every value is overwritten by the batch), else a new one. */
    private float[] buffer(int length) {
        for (java.util.Iterator<float[]> it = spareBuffers.iterator(); it.hasNext(); ) {
            float[] b = it.next();
            if (b.length == length && spareBuffers.remove(b)) {
                return b;
            }
        }
        return new float[length];
    }

    private void topUp() {
        while (inFlight.size() < prefetch) {
            Position p = nextSubmit;
            inFlight.add(pool.submit(() -> build(p)));
            nextSubmit = advance(nextSubmit);
        }
    }

    private void cancelInFlight() {
        for (Future<Batch> f : inFlight) {
            f.cancel(true);
        }
        inFlight.clear();
    }

    private Position advance(Position p) {
        return p.batch() + 1 < batchesPerEpoch ? new Position(p.epoch(), p.batch() + 1) : new Position(p.epoch() + 1, 0);
    }

    private void checkPosition(Position p) {
        Objects.requireNonNull(p, "position");
        if (p.batch() >= batchesPerEpoch) {
            throw new IllegalArgumentException("loader position " + p.format() + " is past the end of an epoch of "
                    + batchesPerEpoch + " batches (was the data or the batch size changed since it was saved?)");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("pair loader is closed");
        }
    }

    /** A worker's failure, rethrown on the consumer's thread with the worker's exception as cause. */
    private static RuntimeException rethrown(Throwable cause, Position p) {
        if (cause instanceof Error err) {
            throw err;
        }
        if (cause instanceof ImageException ie) {
            return new ImageException(ie.file(), ie.what(), ie);
        }
        if (cause instanceof DataException de) {
            return new DataException(de.getMessage(), de);
        }
        return new DataException("building batch " + p.format() + " failed: " + cause, cause);
    }

    /** {@code setIndex}, {@code setAugment}, {@code setBatchSize} required; the rest optional. */
    public static final class Builder {
        private PairIndex index;
        private CoAugment augment;
        private int batchSize;
        private int shardIndex;
        private int shardCount = 1;
        private long seed;
        private int workers = 2;
        private int prefetch;
        private boolean shuffle = true;
        private boolean dropLast = true;
        private boolean skipBad;
        private Position start = Position.START;
        private ImageCache cache;

        private Builder() {}

        public Builder setIndex(PairIndex i) {
            index = Objects.requireNonNull(i);
            return this;
        }

        public Builder setAugment(CoAugment a) {
            augment = Objects.requireNonNull(a);
            return this;
        }

        public Builder setBatchSize(int b) {
            if (b < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + b);
            }
            batchSize = b;
            return this;
        }

        /**
         * Yield shard {@code index} of {@code count} equal shards of every batch (data-parallel training); the batch
         * size must be a multiple of {@code count} and drop-last on. Default: the whole batch (0 of 1).
         */
        public Builder optShard(int index, int count) {
            if (count < 1 || index < 0 || index >= count) {
                throw new IllegalArgumentException("shard " + index + " of " + count + ": need 0 <= index < count");
            }
            shardIndex = index;
            shardCount = count;
            return this;
        }

        /** Seed of the epoch orders and of the augmentation (default 0). */
        public Builder optSeed(long s) {
            seed = s;
            return this;
        }

        /** Background threads decoding and augmenting (default 2; 0 = on the caller's thread). */
        public Builder optWorkers(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("workers must be ≥ 0, got " + n);
            }
            workers = n;
            return this;
        }

        /** Batches in flight at most (default 2 × workers, at least 2). */
        public Builder optPrefetch(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("prefetch must be ≥ 1, got " + n);
            }
            prefetch = n;
            return this;
        }

        public Builder optShuffle(boolean s) {
            shuffle = s;
            return this;
        }

        /** Leave out the tail of an epoch that does not fill a batch (default true). */
        public Builder optDropLast(boolean d) {
            dropLast = d;
            return this;
        }

        /** Skip and report pairs that fail to decode instead of stopping (default false). */
        public Builder optSkipBad(boolean s) {
            skipBad = s;
            return this;
        }

        /** Where to start, e.g. a position saved in a checkpoint (default 0:0). */
        public Builder optStart(Position p) {
            start = Objects.requireNonNull(p);
            return this;
        }

        /**
         * Decoded images kept across epochs (default {@link ImageCache#defaultBudget()}: half of the heap, at
         * most 2 GiB; {@code new ImageCache(0)} turns caching off). May be shared between loaders.
         */
        public Builder optCache(ImageCache c) {
            cache = Objects.requireNonNull(c);
            return this;
        }

        public PairLoader build() {
            if (index == null || augment == null || batchSize == 0) {
                throw new IllegalStateException("PairLoader needs setIndex, setAugment and setBatchSize");
            }
            if (index.size() == 0) {
                throw new DataException("the pair index is empty: nothing to load");
            }
            if (batchSize % shardCount != 0 || (shardCount > 1 && !dropLast)) {
                throw new IllegalArgumentException("batch size " + batchSize + " cannot be split into " + shardCount
                        + " equal shards: use a batch that is a multiple of the number of workers (with drop-last)");
            }
            return new PairLoader(this);
        }
    }
}
