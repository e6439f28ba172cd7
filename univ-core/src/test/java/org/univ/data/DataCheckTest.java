package org.univ.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCheckTest {
    @TempDir
    Path dir;

    @Test
    void reportsFormatsSizeMismatchesAndOrphans() {
        Path root = TestImages.pairs(dir.resolve("root"), PairLayout.VI_IR, 16, 12, "a", "b");
        TestImages.write(TestImages.rgb(16, 12, 3), root.resolve("vi/c.png"));
        TestImages.write(TestImages.grey16(8, 6, new int[48]), root.resolve("ir/c.png")); // half size, 16-bit
        TestImages.write(TestImages.rgb(16, 12, 4), root.resolve("vi/lonely.png"));
        DataCheck.Report report = DataCheck.run(PairIndex.scan(RootSpec.of(root)), false);
        assertTrue(report.usable());
        assertEquals(3, report.pairs());
        DataCheck.RootReport r = report.roots().get(0);
        assertEquals("vi/ + ir/", r.layout());
        assertEquals(Map.of("8-bit RGB", 3), r.rgbFormats());
        assertEquals(Map.of("8-bit grey", 2, "16-bit grey", 1), r.irFormats());
        assertEquals(List.of(new DataCheck.SizeMismatch("c", 16, 12, 8, 6)), r.sizeMismatches());
        assertEquals(List.of("lonely.png"), r.rgbOrphans());
        assertEquals(List.of(), r.irOrphans());
    }

    @Test
    void unreadableFilesMakeTheRootUnusable() {
        Path root = TestImages.pairs(dir.resolve("root"), PairLayout.VI_IR, 64, 48, "a", "b", "c");
        TestImages.truncate(root.resolve("ir/b.png"), 20); // header cut: the header check sees it
        TestImages.truncate(root.resolve("vi/c.png"), 300); // pixels cut: only a full decode sees it
        DataCheck.RootReport headers = DataCheck.run(PairIndex.scan(RootSpec.of(root)), false).roots().get(0);
        assertFalse(headers.usable());
        assertEquals(1, headers.unreadable().size());
        assertEquals(root.resolve("ir/b.png").toString(), headers.unreadable().get(0).file());
        assertTrue(headers.problems().get(0).startsWith("1 unreadable files"), headers.problems().toString());

        DataCheck.RootReport decoded = DataCheck.run(PairIndex.scan(RootSpec.of(root)), true).roots().get(0);
        assertEquals(List.of(root.resolve("ir/b.png").toString(), root.resolve("vi/c.png").toString()),
                decoded.unreadable().stream().map(DataCheck.Unreadable::file).toList());
        assertTrue(decoded.unreadable().get(1).message().contains("corrupt or truncated"), decoded.unreadable().get(1).message());
    }

    @Test
    void headersOfConsecutiveSlicesAddUpToTheWholeRootReport() {
        Path root = TestImages.pairs(dir.resolve("root"), PairLayout.VI_IR, 16, 12, "a", "b", "d");
        TestImages.write(TestImages.rgb(16, 12, 3), root.resolve("vi/c.png"));
        TestImages.write(TestImages.grey16(8, 6, new int[48]), root.resolve("ir/c.png"));
        TestImages.truncate(root.resolve("ir/d.png"), 20);
        RootScan scan = PairIndex.scan(RootSpec.of(root)).roots().get(0);
        List<Pair> pairs = scan.pairs();
        DataCheck.Headers parts = DataCheck.Headers.NONE;
        for (int i = 0; i < pairs.size(); i++) { // one slice per pair, as a parallel job with many partitions
            parts = parts.plus(DataCheck.Headers.of(pairs.subList(i, i + 1), false));
        }
        assertEquals(DataCheck.check(scan, false), DataCheck.report(scan, parts));
        assertFalse(DataCheck.report(scan, parts).usable());
        String text = DataCheckText.format(DataCheck.run(PairIndex.scan(RootSpec.of(root)), false), 10);
        assertTrue(text.contains("  size mismatch  1: c RGB 16×12 IR 8×6"), text);
        assertTrue(text.endsWith("1 root(s), 4 pairs: 1 unusable\n"), text);
    }

    @Test
    void structuralProblemsAppearInTheReport() {
        DataCheck.Report report = DataCheck.run(PairIndex.scan(RootSpec.of(dir.resolve("absent"))), false);
        assertFalse(report.usable());
        assertEquals(0, report.pairs());
        assertTrue(report.roots().get(0).problems().get(0).contains("does not exist"));
    }
}
