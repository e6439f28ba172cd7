package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DetCommandTest {
    @TempDir
    Path dir;

    /** Two objects, one found, plus a false positive above it: FP, TP → AP 1/2 at every point up to recall .5. */
    private void writeFiles() throws Exception {
        Files.writeString(dir.resolve("gt.json"), """
                {"images": [{"id": 1}], "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person"}],
                 "annotations": [
                   {"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 100, 100], "area": 10000, "iscrowd": 0},
                   {"id": 2, "image_id": 1, "category_id": 1, "bbox": [200, 0, 100, 100], "area": 10000, "iscrowd": 0}
                 ]}""");
        Files.writeString(dir.resolve("dt.json"), """
                [{"image_id": 1, "category_id": 1, "bbox": [500, 500, 100, 100], "score": 0.9},
                 {"image_id": 1, "category_id": 1, "bbox": [0, 0, 100, 100], "score": 0.8}]""");
    }

    private record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new DetCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsTheCocoSummaryAndThePerClassTable() throws Exception {
        writeFiles();
        Run r = run("eval", "--gt", dir.resolve("gt.json").toString(), "--dt", dir.resolve("dt.json").toString());
        assertEquals(0, r.code(), r.err());
        // ranks FP, TP of 2 objects: precision 0, 1/2 → 1/2 up to recall .5 (51 points), 0 after: AP = 25.5/101
        assertTrue(r.out().contains(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.252"),
                r.out());
        assertTrue(r.out().contains(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.000"),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("person") && l.contains("-1.000")), r.out());
        assertTrue(r.out().startsWith("1 images, 2 categories, 2 annotations, 2 detections"), r.out());
    }

    @Test
    void printsJson() throws Exception {
        writeFiles();
        Run r = run("eval", "--gt", dir.resolve("gt.json").toString(), "--dt", dir.resolve("dt.json").toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(25.5 / 101, j.get("AP").asDouble(), 1e-12);
        assertEquals(0.5, j.get("AR100").asDouble(), 1e-12);
        assertEquals(-1.0, j.get("per_class").get(1).get("AP").asDouble());
    }

    @Test
    void badInputFailsWithTheFileNamed() throws Exception {
        writeFiles();
        Files.writeString(dir.resolve("other.json"),
                "[{\"image_id\": 42, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.5}]");
        Run r = run("eval", "--gt", dir.resolve("gt.json").toString(), "--dt", dir.resolve("other.json").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("other.json") && r.err().contains("image 42"), r.err());
        assertNotEquals(0, run("eval", "--gt", dir.resolve("gt.json").toString()).code()); // --dt missing
        assertEquals(0, run().code()); // the group alone prints its usage
    }
}
