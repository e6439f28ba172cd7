package org.univ.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.data.PairLoader.Position;

class PairLoaderTest {
    private static final String[] IDS = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"};

    @TempDir
    Path dir;
    PairIndex index;
    CoAugment augment;

    @BeforeEach
    void data() {
        index = PairIndex.open(TestImages.pairs(dir.resolve("root"), PairLayout.VI_IR, 40, 30, IDS).toString());
        augment = CoAugment.builder().setSize(16).build();
    }

    private PairLoader.Builder loader(int workers) {
        return PairLoader.builder().setIndex(index).setAugment(augment).setBatchSize(4).optSeed(11).optWorkers(workers);
    }

    private static List<Batch> take(PairLoader l, int n) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(l.next());
        }
        return out;
    }

    private static void assertSame(Batch a, Batch b) {
        assertEquals(a.position(), b.position());
        assertEquals(a.pairs(), b.pairs());
        assertArrayEquals(a.rgb(), b.rgb());
        assertArrayEquals(a.ir(), b.ir());
    }

    @Test
    void twoWorkersGiveTheSameBatchesAsNone() {
        List<Batch> serial;
        List<Batch> parallel;
        try (PairLoader l = loader(0).build()) {
            serial = take(l, 5); // crosses two epoch boundaries (2 batches per epoch)
        }
        try (PairLoader l = loader(2).optPrefetch(3).build()) {
            parallel = take(l, 5);
        }
        for (int i = 0; i < 5; i++) {
            assertSame(serial.get(i), parallel.get(i));
        }
        assertEquals(List.of(new Position(0, 0), new Position(0, 1), new Position(1, 0), new Position(1, 1), new Position(2, 0)),
                serial.stream().map(Batch::position).toList());
    }

    /** Handing buffers back changes nothing in later batches, and the buffers are in fact reused. */
    @Test
    void recycledBuffersGiveTheSameBatches() {
        List<Batch> fresh;
        try (PairLoader l = loader(0).build()) {
            fresh = take(l, 5);
        }
        for (int workers : new int[] {0, 2}) {
            Set<float[]> handedBack = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            boolean reused = false;
            try (PairLoader l = loader(workers).optPrefetch(2).build()) {
                for (int i = 0; i < 5; i++) {
                    Batch b = l.next();
                    reused |= handedBack.contains(b.rgb()) || handedBack.contains(b.ir());
                    assertSame(fresh.get(i), new Batch(b.epoch(), b.index(), b.height(), b.width(), b.rgb().clone(),
                            b.ir().clone(), b.pairs(), b.skipped()));
                    Arrays.fill(b.rgb(), Float.NaN); // a stale buffer must be overwritten completely
                    Arrays.fill(b.ir(), Float.NaN);
                    handedBack.add(b.rgb());
                    handedBack.add(b.ir());
                    l.recycle(b);
                }
            }
            assertTrue(reused, workers + " workers: no batch reused a recycled buffer");
        }
    }

    @Test
    void shardsOfABatchTogetherAreTheWholeBatch() {
        List<Batch> whole;
        try (PairLoader l = loader(0).build()) {
            whole = take(l, 3); // crosses an epoch boundary
        }
        List<List<Batch>> shards = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (PairLoader l = loader(i).optShard(i, 2).build()) { // 0 and 1 background workers: same batches
                assertEquals(2, l.shardSize());
                assertEquals(2, l.batchesPerEpoch());
                shards.add(take(l, 3));
            }
        }
        for (int k = 0; k < 3; k++) {
            Batch a = shards.get(0).get(k);
            Batch b = shards.get(1).get(k);
            assertEquals(whole.get(k).position(), a.position());
            assertEquals(whole.get(k).position(), b.position());
            List<Pair> joined = new ArrayList<>(a.pairs());
            joined.addAll(b.pairs());
            assertEquals(whole.get(k).pairs(), joined);
            float[] rgb = Arrays.copyOf(a.rgb(), whole.get(k).rgb().length);
            System.arraycopy(b.rgb(), 0, rgb, a.rgb().length, b.rgb().length);
            assertArrayEquals(whole.get(k).rgb(), rgb); // same crops and flips: sample randomness follows the pair
        }
        IllegalArgumentException uneven = assertThrows(IllegalArgumentException.class, () -> loader(0).optShard(0, 3).build());
        assertTrue(uneven.getMessage().contains("multiple of the number of workers"), uneven.getMessage());
    }

    @Test
    void savedPositionResumesWithTheSameBatch() {
        Position saved;
        Batch expected;
        try (PairLoader l = loader(2).build()) {
            take(l, 3);
            saved = Position.parse(l.position().format()); // as a checkpoint would store it
            expected = l.next();
            take(l, 2);
            l.seek(saved); // rewinding a live loader drops what it prefetched
            assertSame(expected, l.next());
        }
        assertEquals(new Position(1, 1), saved);
        try (PairLoader resumed = loader(2).optStart(saved).build()) {
            assertSame(expected, resumed.next());
        }
        try (PairLoader resumed = loader(0).optStart(saved).build()) {
            assertSame(expected, resumed.next());
        }
        assertThrows(IllegalArgumentException.class, () -> loader(0).optStart(new Position(0, 2)).build());
    }

    @Test
    void epochsShuffleDifferentlyAndDropTheTail() {
        try (PairLoader l = loader(0).build()) {
            assertEquals(2, l.batchesPerEpoch());
            int[] e0 = l.order(0).clone();
            int[] e1 = l.order(1).clone();
            assertArrayEquals(IntStream.range(0, 10).toArray(), Arrays.stream(e0).sorted().toArray());
            assertArrayEquals(IntStream.range(0, 10).toArray(), Arrays.stream(e1).sorted().toArray());
            assertFalse(Arrays.equals(e0, e1));
            Batch b0 = l.next();
            Batch b1 = l.next();
            Set<Pair> seen = new HashSet<>(b0.pairs());
            seen.addAll(b1.pairs());
            assertEquals(8, seen.size()); // no pair twice in an epoch, 2 left out
            assertEquals(Arrays.stream(e0, 0, 4).mapToObj(index::get).toList(), b0.pairs());
            assertArrayEquals(e0, loader(0).build().order(0)); // a pure function of (seed, epoch)
            assertFalse(Arrays.equals(e0, loader(0).optSeed(12).build().order(0)));
        }
        try (PairLoader l = loader(0).optDropLast(false).optShuffle(false).build()) {
            assertEquals(3, l.batchesPerEpoch());
            List<Batch> b = take(l, 3);
            assertEquals(List.of(4, 4, 2), b.stream().map(Batch::size).toList());
            assertEquals(index.pairs().subList(8, 10), b.get(2).pairs());
            assertEquals(2 * 3 * 16 * 16, b.get(2).rgb().length);
        }
        DataException e = assertThrows(DataException.class, () -> loader(0).setBatchSize(11).build());
        assertTrue(e.getMessage().contains("fewer than one batch of 11"), e.getMessage());
    }

    @Test
    void decodeFailureReachesTheConsumerNamingTheFile() {
        Path bad = index.get(3).irPath();
        TestImages.truncate(bad, 200);
        for (int workers : new int[] {0, 2}) {
            try (PairLoader l = loader(workers).optShuffle(false).build()) {
                ImageException e = assertThrows(ImageException.class, l::next);
                assertEquals(bad, e.file());
                assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("corrupt or truncated"), e.getMessage());
                assertEquals(Position.START, l.position()); // not advanced: a retry fails the same way
                assertThrows(ImageException.class, l::next);
            }
        }
    }

    @Test
    void skipBadFillsTheBatchFromTheNextPairsAndReports() {
        TestImages.truncate(index.get(1).rgbPath(), 200);
        TestImages.truncate(index.get(2).irPath(), 20);
        List<Batch> serial;
        List<Batch> parallel;
        try (PairLoader l = loader(0).optShuffle(false).optSkipBad(true).build()) {
            serial = take(l, 4);
            assertEquals(List.of(index.get(1), index.get(2)), l.badPairs().stream().map(BadPair::pair).toList());
            assertTrue(l.badPairs().get(0).message().contains("corrupt or truncated"));
        }
        try (PairLoader l = loader(2).optShuffle(false).optSkipBad(true).build()) {
            parallel = take(l, 4);
        }
        Batch first = serial.get(0);
        assertEquals(List.of(0, 3, 4, 5).stream().map(index::get).toList(), first.pairs());
        assertEquals(2, first.skipped().size());
        assertEquals(List.of(4, 5, 6, 7).stream().map(index::get).toList(), serial.get(1).pairs());
        assertEquals(serial.get(0).pairs(), serial.get(2).pairs()); // epoch 1 meets the same bad pairs
        for (int i = 0; i < 4; i++) {
            assertSame(serial.get(i), parallel.get(i));
        }
    }

    @Test
    void tooFewReadablePairsIsAnError() {
        for (int i = 0; i < 7; i++) {
            TestImages.truncate(index.get(i).rgbPath(), 20);
        }
        try (PairLoader l = loader(0).optSkipBad(true).build()) {
            DataException e = assertThrows(DataException.class, l::next);
            assertTrue(e.getMessage().contains("only 3 of 10 pairs are readable"), e.getMessage());
        }
    }

    @Test
    void closeStopsTheWorkers() throws InterruptedException {
        PairLoader l = loader(2).build();
        l.next();
        l.close();
        assertThrows(IllegalStateException.class, l::next);
        l.close(); // idempotent
        Thread.sleep(50);
        Set<Thread> live = Thread.getAllStackTraces().keySet();
        String mine = "univ-pairs-";
        long busy = live.stream().filter(t -> t.getName().startsWith(mine) && t.isAlive()
                && t.getState() != Thread.State.TERMINATED).count();
        assertEquals(0, busy, "loader threads alive after close()");
    }

    @Test
    void batchBecomesNDArraysInTheCallersManager() {
        try (PairLoader l = loader(2).build(); NDManager m = NDManager.newBaseManager()) {
            Batch b = l.next();
            NDList arrays = b.toNDList(m);
            NDArray rgb = arrays.get(0);
            NDArray ir = arrays.get(1);
            assertEquals(new Shape(4, 3, 16, 16), rgb.getShape());
            assertEquals(new Shape(4, 3, 16, 16), ir.getShape());
            assertArrayEquals(b.rgb(), rgb.toFloatArray());
            assertArrayEquals(b.ir(), ir.toFloatArray());
            assertNotEquals(0f, rgb.abs().sum().getFloat());
            assertEquals(m, rgb.getManager());
        }
    }
}
