package org.univ.spark.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.data.DataCheck;
import org.univ.data.PairIndex;
import org.univ.data.RootSpec;
import org.univ.spark.LocalSpark;

class DistributedDataCheckTest {
    @TempDir
    static Path dir;
    static List<RootSpec> roots;

    @BeforeAll
    static void fixtures() throws IOException {
        Path a = LocalSpark.scenes(dir.resolve("a"), 7);
        Path b = LocalSpark.scenes(dir.resolve("b"), 5);
        List<String> ids = Files.list(a.resolve("vi")).map(p -> p.getFileName().toString()).sorted().toList();
        // problems for the report: an IR image of another size, a truncated file, an orphan, a 16-bit IR image
        ImageIO.write(new BufferedImage(32, 24, BufferedImage.TYPE_BYTE_GRAY), "png", a.resolve("ir/" + ids.get(1)).toFile());
        try (FileChannel ch = FileChannel.open(a.resolve("vi/" + ids.get(4)), StandardOpenOption.WRITE)) {
            ch.truncate(20);
        }
        Files.delete(b.resolve("ir/" + Files.list(b.resolve("ir")).map(p -> p.getFileName().toString()).sorted().findFirst().get()));
        ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_USHORT_GRAY), "png", a.resolve("ir/" + ids.get(6)).toFile());
        roots = List.of(RootSpec.of(a), RootSpec.of(b), RootSpec.of(dir.resolve("absent")));
    }

    @Test
    void theAggregatedReportIsTheSingleProcessReport() {
        for (boolean decode : List.of(false, true)) {
            DataCheck.Report expected = DataCheck.run(PairIndex.scan(roots), decode);
            for (int partitions : List.of(1, 3, 5)) { // slices cross the boundary between the two roots
                DataCheck.Report spark = DistributedDataCheck.run(LocalSpark.context(), roots, decode, partitions);
                assertEquals(expected, spark, "decode " + decode + ", " + partitions + " partitions");
            }
            assertFalse(expected.usable());
            assertEquals(11, expected.pairs());
            assertEquals(1, expected.roots().get(0).sizeMismatches().size());
            assertEquals(1, expected.roots().get(0).unreadable().size());
            assertEquals(1, expected.roots().get(1).rgbOrphans().size());
        }
    }
}
