package org.univ.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.data.DataException;
import org.univ.downstream.Modality;

class SegDatasetTest {
    @TempDir
    Path tmp;

    private SegDataset load(Path root, Modality modality) {
        return SegDataset.builder().setRoot(root).setModality(modality).load();
    }

    @Test
    void readsImagesMasksClassesAndIds() throws IOException {
        Path root = SegTestData.write(tmp.resolve("d"), 4, 3, 32, 48);
        SegDataset ir = load(root, Modality.IR);
        assertEquals(4, ir.size());
        assertEquals(List.of("water", "sand", "grass"), ir.classes().names());
        SegDataset.Item item = ir.get(1);
        assertEquals(32, item.height());
        assertEquals(48, item.width());
        assertEquals(item.image().get(0, 5, 7), item.image().get(2, 5, 7), 0f); // IR: three identical channels
        assertTrue(java.util.Arrays.equals(SegTestData.blockMask(32, 48, 1), item.mask()));
        SegDataset train = SegDataset.builder().setData(root + ":train.txt").setModality(Modality.RGB).load();
        assertEquals(List.of("0000", "0001", "0002"), train.items().stream().map(SegDataset.Item::id).toList());
        assertEquals(Modality.IR, Modality.parse("infrared"));
        assertThrows(IllegalArgumentException.class, () -> Modality.parse("depth"));
    }

    @Test
    void labelMapTurnsBinaryMasksIntoClasses() throws IOException {
        Path root = binaryMaskRoot(tmp.resolve("b"));
        SegClasses names = SegClasses.parse("background,person");
        DataException raw = assertThrows(DataException.class, () -> SegDataset.builder().setRoot(root)
                .setModality(Modality.RGB).optClasses(names).optLabelMap(LabelMap.parse("128:1")).load());
        // without a mapping for 255 the person pixels stay 255 = ignore, which is allowed; 128 maps to 1, and 7 is bad
        assertTrue(raw.getMessage().contains("holds class 7") && raw.getMessage().contains("m.png"), raw.getMessage());
        SegDataset mapped = SegDataset.builder().setRoot(root).setModality(Modality.RGB).optClasses(names)
                .optLabelMap(LabelMap.parse("255:1, 7:255,128:0")).load();
        int[] mask = mapped.get(0).mask();
        assertEquals(0, mask[0]);
        assertEquals(1, mask[1]);
        assertEquals(255, mask[2]);
        assertEquals(0, mask[3]);
        assertEquals(5, LabelMap.parse("255:1").apply(5));
        assertEquals(1, LabelMap.parse("255:1").apply(255));
        assertTrue(LabelMap.parse("").isIdentity());
        assertThrows(IllegalArgumentException.class, () -> LabelMap.parse("255-1"));
        assertThrows(IllegalArgumentException.class, () -> LabelMap.parse("1:2,1:3"));
    }

    /** One 2×2 image whose mask holds 0, 255, 7, 128. */
    private static Path binaryMaskRoot(Path root) throws IOException {
        Files.createDirectories(root.resolve("vi"));
        Files.createDirectories(root.resolve("mask"));
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", root.resolve("vi/m.png").toFile());
        BufferedImage mask = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        mask.getRaster().setSamples(0, 0, 2, 2, 0, new int[] {0, 255, 7, 128});
        ImageIO.write(mask, "png", root.resolve("mask/m.png").toFile());
        return root;
    }

    @Test
    void classFilesWithAndWithoutIds() throws IOException {
        Path a = Files.writeString(tmp.resolve("a.txt"), "1 person\n0 background\n");
        assertEquals(List.of("background", "person"), SegClasses.read(a).names());
        Path b = Files.writeString(tmp.resolve("b.txt"), "# names\nroad\nsky\n");
        assertEquals(List.of("road", "sky"), SegClasses.read(b).names());
        Path gap = Files.writeString(tmp.resolve("c.txt"), "0 a\n2 b\n");
        assertThrows(DataException.class, () -> SegClasses.read(gap));
    }

    @Test
    void aMaskOfAnotherSizeIsNamed() throws IOException {
        Path root = SegTestData.write(tmp.resolve("s"), 2, 1, 32, 48);
        ImageIO.write(SegPictures.classIds(new int[16 * 16], 16, 16), "png", root.resolve("mask/0001.png").toFile());
        DataException e = assertThrows(DataException.class, () -> load(root, Modality.RGB));
        assertTrue(e.getMessage().contains("mask/0001.png") && e.getMessage().contains("16x16")
                && e.getMessage().contains("48x32"), e.getMessage());
    }

    @Test
    void aMissingMaskIsNamed() throws IOException {
        Path root = SegTestData.write(tmp.resolve("m"), 2, 1, 32, 32);
        Files.delete(root.resolve("mask/0000.png"));
        DataException e = assertThrows(DataException.class, () -> load(root, Modality.IR));
        assertTrue(e.getMessage().contains("missing mask") && e.getMessage().contains("0000.png"), e.getMessage());
        Path noMasks = tmp.resolve("nomask");
        Files.createDirectories(noMasks.resolve("ir"));
        Files.writeString(noMasks.resolve("classes.txt"), "a\nb\n");
        assertTrue(assertThrows(DataException.class, () -> load(noMasks, Modality.IR)).getMessage().contains("--masks"));
    }

    @Test
    void aValueBeyondTheClassListIsNamed() throws IOException {
        Path root = SegTestData.write(tmp.resolve("v"), 2, 1, 32, 32);
        int[] bad = new int[32 * 32];
        bad[40] = 3; // classes are 0..2
        ImageIO.write(SegPictures.classIds(bad, 32, 32), "png", root.resolve("mask/0001.png").toFile());
        DataException e = assertThrows(DataException.class, () -> load(root, Modality.RGB));
        assertTrue(e.getMessage().contains("mask/0001.png") && e.getMessage().contains("class 3")
                && e.getMessage().contains("--label-map"), e.getMessage());
        // 255 is the ignore index and allowed
        bad[40] = 255;
        ImageIO.write(SegPictures.classIds(bad, 32, 32), "png", root.resolve("mask/0001.png").toFile());
        assertEquals(255, load(root, Modality.RGB).get(1).mask()[40]);
    }

    @Test
    void anEmptyDatasetIsAnError() throws IOException {
        Path root = tmp.resolve("e");
        Files.createDirectories(root.resolve("vi"));
        Files.createDirectories(root.resolve("mask"));
        Files.writeString(root.resolve("classes.txt"), "a\nb\n");
        DataException e = assertThrows(DataException.class, () -> load(root, Modality.RGB));
        assertTrue(e.getMessage().contains("empty dataset") && e.getMessage().contains("vi"), e.getMessage());
        DataException noFolder = assertThrows(DataException.class, () -> load(root, Modality.IR));
        assertTrue(noFolder.getMessage().contains("no ir image folder"), noFolder.getMessage());
        assertThrows(DataException.class, () -> SegDataset.of(List.of(), SegTestData.classes(), Modality.IR, 255));
    }

    @Test
    void aCorruptPngIsNamed() throws IOException {
        Path root = SegTestData.write(tmp.resolve("c"), 2, 1, 32, 32);
        byte[] png = Files.readAllBytes(root.resolve("ir/0001.png"));
        Files.write(root.resolve("ir/0001.png"), java.util.Arrays.copyOf(png, png.length / 2));
        DataException e = assertThrows(DataException.class, () -> load(root, Modality.IR));
        assertTrue(e.getMessage().contains("ir/0001.png") && e.getMessage().contains("corrupt"), e.getMessage());
        // a corrupt mask too
        Path root2 = SegTestData.write(tmp.resolve("c2"), 1, 1, 32, 32);
        Files.write(root2.resolve("mask/0000.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        DataException m = assertThrows(DataException.class, () -> load(root2, Modality.IR));
        assertTrue(m.getMessage().contains("mask/0000.png"), m.getMessage());
    }

    @Test
    void missingClassNamesAskForThem() throws IOException {
        Path root = SegTestData.write(tmp.resolve("n"), 1, 1, 32, 32);
        Files.delete(root.resolve("classes.txt"));
        DataException e = assertThrows(DataException.class, () -> load(root, Modality.IR));
        assertTrue(e.getMessage().contains("--classes"), e.getMessage());
    }
}
