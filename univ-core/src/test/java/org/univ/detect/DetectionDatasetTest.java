package org.univ.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.data.DataException;
import org.univ.data.ImageException;
import org.univ.data.RootSpec;
import org.univ.downstream.Modality;
import org.univ.eval.CocoGroundTruth;

class DetectionDatasetTest {
    @TempDir
    Path dir;
    private List<List<DetectionScenes.Drawn>> drawn;

    @BeforeEach
    void scenes() {
        drawn = DetectionScenes.write(dir, 3, 64, 48, 1);
    }

    @Test
    void yoloBoxesComeBackInPixelsWithTheirClasses() {
        DetectionDataset d = DetectionDataset.yolo(RootSpec.of(dir), Modality.IR);
        assertEquals(3, d.size());
        assertEquals(List.of("square", "bar"), d.classNames());
        for (int i = 0; i < 3; i++) {
            DetectionDataset.Sample s = d.get(i);
            assertEquals("img00" + i, s.id());
            assertEquals(i + 1L, s.imageId());
            assertEquals(64, s.width());
            assertEquals(48, s.height());
            assertEquals(drawn.get(i).size(), s.boxes().size());
            for (int k = 0; k < s.boxes().size(); k++) {
                DetectionScenes.Drawn o = drawn.get(i).get(k);
                DetectionDataset.Box b = s.boxes().get(k);
                assertEquals(o.cls(), b.classIndex());
                assertEquals(o.x1(), b.x1(), 1e-3);
                assertEquals(o.y1(), b.y1(), 1e-3);
                assertEquals(o.x2(), b.x2(), 1e-3);
                assertEquals(o.y2(), b.y2(), 1e-3);
            }
        }
        assertTrue(d.get(0).image().toString().contains("/ir/"));
        assertTrue(DetectionDataset.yolo(RootSpec.of(dir), Modality.RGB).get(0).image().toString().contains("/vi/"));
    }

    @Test
    void idsFileSelectsImagesAndAnEmptyLabelFileIsAnImageWithoutObjects() throws Exception {
        Files.writeString(dir.resolve("labels/infrared/img001.txt"), "");
        Files.writeString(dir.resolve("some.txt"), "img001\n# comment\nimg002.png\n");
        DetectionDataset d = DetectionDataset.open(dir + ":" + dir.resolve("some.txt"), Modality.IR);
        assertEquals(2, d.size());
        assertEquals(0, d.get(0).boxes().size());
        assertEquals(d.get(1).boxes().size(), d.boxCount());
        CocoGroundTruth gt = d.groundTruth();
        assertEquals(List.of(1L, 2L), gt.imageIds());
        assertEquals(d.boxCount(), gt.annotations().size());
    }

    @Test
    void cocoExportReadsBackAsTheSameGroundTruthAndAsADataset() {
        DetectionDataset d = DetectionDataset.yolo(RootSpec.of(dir), Modality.IR);
        Path json = dir.resolve("gt.json");
        d.writeCocoJson(json);
        CocoGroundTruth back = CocoGroundTruth.read(json);
        assertEquals(d.groundTruth().imageIds(), back.imageIds());
        assertEquals(d.groundTruth().annotations(), back.annotations());
        DetectionDataset coco = DetectionDataset.coco(json, Modality.IR);
        assertEquals(d.size(), coco.size());
        assertEquals(d.get(2).boxes(), coco.get(2).boxes());
        assertEquals(d.classNames(), coco.classNames());
    }

    @Test
    void smallOverhangIsClippedButABoxOutsideTheImageNamesFileAndLine() throws Exception {
        Path label = dir.resolve("labels/infrared/img000.txt");
        Files.writeString(label, "0 0.5 0.5 0.2 0.2\n0 0.004 0.5 0.02 0.1\n");      // x1 = −0.006: within tolerance
        DetectionDataset.Box b = DetectionDataset.yolo(RootSpec.of(dir), Modality.IR).get(0).boxes().get(1);
        assertEquals(0, b.x1());
        Files.writeString(label, "0 0.5 0.5 0.2 0.2\n1 0.95 0.5 0.2 0.1\n");        // x2 = 1.05
        DataException e = assertThrows(DataException.class, () -> DetectionDataset.yolo(RootSpec.of(dir), Modality.IR));
        assertTrue(e.getMessage().contains("img000.txt:2") && e.getMessage().contains("outside the image"), e.getMessage());
    }

    @Test
    void everyBadInputFailsNamingTheFile() throws Exception {
        Path label = dir.resolve("labels/infrared/img001.txt");
        String good = Files.readString(label);
        Files.writeString(label, good + "2 0.5 0.5 0.1 0.1\n");
        assertMessage("img001.txt:" + (good.lines().count() + 1), "beyond the class list");
        Files.writeString(label, "0 0.5 0.5 0 0.1\n");
        assertMessage("img001.txt:1", "not positive");
        Files.writeString(label, "0 0.5 0.5 0.1\n");
        assertMessage("img001.txt:1", "5 fields");
        Files.writeString(label, "zero 0.5 0.5 0.1 0.1\n");
        assertMessage("img001.txt:1", "not a number");
        Files.writeString(label, good);
        Files.delete(label);
        assertMessage("labels/infrared", "img001.txt");
        Files.writeString(label, good);
        Files.writeString(dir.resolve("ir/img002.png"), "not a png");
        ImageException bad = assertThrows(ImageException.class, () -> DetectionDataset.yolo(RootSpec.of(dir), Modality.IR));
        assertTrue(bad.getMessage().contains("img002.png"), bad.getMessage());
        Files.delete(dir.resolve("ir/img002.png"));
        Files.writeString(dir.resolve("ids.txt"), "img002\n");
        assertMessage("ids.txt", "img002");
        Files.writeString(dir.resolve("empty.txt"), "# nothing\n");
        DataException empty = assertThrows(DataException.class,
                () -> DetectionDataset.open(dir + ":" + dir.resolve("empty.txt"), Modality.IR));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        Files.writeString(dir.resolve("labels/classes.txt"), "0 square\n2 bar\n");
        assertMessage("classes.txt:2", "class id 2");
    }

    @Test
    void anEmptyImageFolderIsAnEmptyDataset() throws Exception {
        Path root = dir.resolve("empty");
        Files.createDirectories(root.resolve("ir"));
        Files.createDirectories(root.resolve("labels/infrared"));
        Files.writeString(root.resolve("labels/classes.txt"), "person\n");
        DataException e = assertThrows(DataException.class, () -> DetectionDataset.yolo(RootSpec.of(root), Modality.IR));
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("ir"), e.getMessage());
    }

    @Test
    void cocoBoxOutsideItsImageIsAnError() throws Exception {
        Files.writeString(dir.resolve("c.json"), """
                {"images": [{"id": 5, "file_name": "ir/img000.png", "width": 64, "height": 48}],
                 "categories": [{"id": 1, "name": "square"}],
                 "annotations": [{"image_id": 5, "category_id": 1, "bbox": [50, 10, 20, 10]}]}""");
        DataException e = assertThrows(DataException.class, () -> DetectionDataset.coco(dir.resolve("c.json"), Modality.IR));
        assertTrue(e.getMessage().contains("c.json") && e.getMessage().contains("annotations[0]"), e.getMessage());
    }

    private void assertMessage(String... parts) {
        DataException e = assertThrows(DataException.class, () -> DetectionDataset.open(
                Files.exists(dir.resolve("ids.txt")) ? dir + ":" + dir.resolve("ids.txt") : dir.toString(), Modality.IR));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage() + " should contain " + p);
        }
    }
}
