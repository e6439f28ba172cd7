package org.univ.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PairIndexTest {
    @TempDir
    Path dir;

    static List<PairLayout> layouts() {
        return PairLayout.KNOWN;
    }

    private static List<String> ids(PairIndex index) {
        return index.pairs().stream().map(Pair::id).toList();
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void detectsEachLayout(PairLayout layout) {
        Path root = TestImages.pairs(dir.resolve("root"), layout, 8, 6, "c", "a", "b");
        PairIndex index = PairIndex.open(root.toString());
        RootScan scan = index.roots().get(0);
        assertEquals(layout, scan.layout());
        assertEquals(List.of("a", "b", "c"), ids(index)); // sorted
        Pair a = index.get(0);
        assertEquals(root.resolve(layout.rgbDir()).resolve("a.png"), a.rgbPath());
        assertEquals(root.resolve(layout.irDir()).resolve("a.png"), a.irPath());
        assertEquals(root, a.root());
    }

    @Test
    void explicitLayoutAndAmbiguousDetection() throws IOException {
        PairLayout custom = PairLayout.parse("rgb,thermal");
        Path root = TestImages.pairs(dir.resolve("custom"), custom, 8, 6, "x");
        RootScan undetected = PairIndex.scan(RootSpec.of(root)).roots().get(0);
        assertFalse(undetected.usable());
        assertTrue(undetected.problems().get(0).contains("no pair layout found"), undetected.problems().toString());
        assertEquals(List.of("x"), ids(PairIndex.open(List.of(RootSpec.of(root).withLayout(custom)))));

        Path both = TestImages.pairs(dir.resolve("both"), PairLayout.VI_IR, 8, 6, "x");
        TestImages.pairs(both, PairLayout.VISIBLE_INFRARED, 8, 6, "y");
        DataException e = assertThrows(DataException.class, () -> PairIndex.open(both.toString()));
        assertTrue(e.getMessage().contains("several pair layouts"), e.getMessage());
        assertEquals(List.of("y"), ids(PairIndex.open(List.of(RootSpec.of(both).withLayout(PairLayout.VISIBLE_INFRARED)))));
    }

    @Test
    void matchesStemsAcrossExtensionsInAnyCase() throws IOException {
        Path root = dir.resolve("mixed");
        TestImages.write(TestImages.rgb(8, 6, 1), root.resolve("vi/a.png"));
        TestImages.write(TestImages.grey8(8, 6, 1), root.resolve("ir/a.JPG"));
        TestImages.write(TestImages.rgb(8, 6, 2), root.resolve("vi/b.jpeg"));
        TestImages.write(TestImages.grey8(8, 6, 2), root.resolve("ir/b.tif"));
        TestImages.write(TestImages.rgb(8, 6, 3), root.resolve("vi/c.BMP"));
        TestImages.write(TestImages.grey8(8, 6, 3), root.resolve("ir/c.TIFF"));
        Files.writeString(root.resolve("vi/notes.txt"), "not an image");
        PairIndex index = PairIndex.open(root.toString());
        assertEquals(List.of("a", "b", "c"), ids(index));
        assertEquals(root.resolve("ir/a.JPG"), index.get(0).irPath());
        assertEquals(1, index.roots().get(0).ignoredFiles());
    }

    @Test
    void reportsOrphansOnEachSideWithoutFailing() {
        Path root = TestImages.pairs(dir.resolve("orphans"), PairLayout.VI_IR, 8, 6, "a", "b");
        TestImages.write(TestImages.rgb(8, 6, 1), root.resolve("vi/only_rgb.png"));
        TestImages.write(TestImages.grey8(8, 6, 1), root.resolve("ir/only_ir1.png"));
        TestImages.write(TestImages.grey8(8, 6, 1), root.resolve("ir/only_ir2.jpg"));
        PairIndex index = PairIndex.open(root.toString());
        RootScan scan = index.roots().get(0);
        assertEquals(List.of("a", "b"), ids(index));
        assertEquals(List.of("only_rgb.png"), scan.rgbOrphans());
        assertEquals(List.of("only_ir1.png", "only_ir2.jpg"), scan.irOrphans());
        assertTrue(scan.usable());
    }

    @Test
    void idsFileRestrictsThePairs() throws IOException {
        Path root = TestImages.pairs(dir.resolve("msrs"), PairLayout.VI_IR, 8, 6, "a", "b", "c", "d");
        Files.writeString(root.resolve("train.txt"), "# training split\nd\n\nb.png\n  c  \nb\n");
        // absolute ids path, and a relative one resolved against the root
        PairIndex abs = PairIndex.open(root + ":" + root.resolve("train.txt"));
        assertEquals(List.of("b", "c", "d"), ids(abs));
        PairIndex rel = PairIndex.open(root + ":train.txt");
        assertEquals(List.of("b", "c", "d"), ids(rel));
        assertEquals(root.resolve("train.txt"), rel.roots().get(0).spec().ids());
        assertNull(RootSpec.parse(root.toString()).ids());
    }

    @Test
    void idWithoutAPairIsAClearError() throws IOException {
        Path root = TestImages.pairs(dir.resolve("msrs"), PairLayout.VI_IR, 8, 6, "a", "b");
        TestImages.write(TestImages.rgb(8, 6, 1), root.resolve("vi/c.png")); // IR missing
        Files.writeString(root.resolve("ids.txt"), "a\nc\nzz\n");
        DataException e = assertThrows(DataException.class, () -> PairIndex.open(root + ":ids.txt"));
        assertTrue(e.getMessage().contains("2 ids listed in " + root.resolve("ids.txt") + " have no pair"), e.getMessage());
        assertTrue(e.getMessage().contains("c (no IR file)"), e.getMessage());
        assertTrue(e.getMessage().contains("zz (no RGB or IR file)"), e.getMessage());
        RootScan scan = PairIndex.scan(RootSpec.parse(root + ":ids.txt")).roots().get(0);
        assertEquals(List.of("a"), scan.pairs().stream().map(Pair::id).toList());
        assertEquals(List.of("c (no IR file)", "zz (no RGB or IR file)"), scan.missingIds());
    }

    @Test
    void emptyOrMissingRootsAndIdsFilesAreClearErrors() throws IOException {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty.resolve("vi"));
        Files.createDirectories(empty.resolve("ir"));
        DataException e = assertThrows(DataException.class, () -> PairIndex.open(empty.toString()));
        assertTrue(e.getMessage().contains("unusable data root " + empty), e.getMessage());
        assertTrue(e.getMessage().contains("no pairs"), e.getMessage());

        Path nowhere = dir.resolve("nowhere");
        e = assertThrows(DataException.class, () -> PairIndex.open(nowhere.toString()));
        assertTrue(e.getMessage().contains(nowhere + " does not exist"), e.getMessage());

        Path root = TestImages.pairs(dir.resolve("ok"), PairLayout.VI_IR, 8, 6, "a");
        e = assertThrows(DataException.class, () -> PairIndex.open(root + ":" + dir.resolve("missing.txt")));
        assertTrue(e.getMessage().contains("ids file " + dir.resolve("missing.txt") + " does not exist"), e.getMessage());

        // one message names every unusable root
        e = assertThrows(DataException.class, () -> PairIndex.open(empty.toString(), root.toString(), nowhere.toString()));
        assertEquals(2, e.getMessage().lines().count(), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PairIndex.open());
    }

    @Test
    void severalFilesForOneStemAreRejected() {
        Path root = TestImages.pairs(dir.resolve("dup"), PairLayout.VI_IR, 8, 6, "a", "b");
        TestImages.write(TestImages.rgb(8, 6, 1), root.resolve("vi/a.jpg"));
        DataException e = assertThrows(DataException.class, () -> PairIndex.open(root.toString()));
        assertTrue(e.getMessage().contains("vi/a (a.jpg, a.png)"), e.getMessage());
    }

    @Test
    void rootsKeepTheirOrder() {
        Path r1 = TestImages.pairs(dir.resolve("r1"), PairLayout.VI_IR, 8, 6, "z", "y");
        Path r2 = TestImages.pairs(dir.resolve("r2"), PairLayout.VISIBLE_INFRARED, 8, 6, "a");
        PairIndex index = PairIndex.open(r1.toString(), r2.toString());
        assertEquals(List.of("y", "z", "a"), ids(index));
        assertEquals(r2, index.get(2).root());
        assertEquals(3, index.size());
    }
}
