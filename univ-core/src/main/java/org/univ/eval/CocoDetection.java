package org.univ.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.univ.io.AtomicFiles;

/**
 * One detection as the COCO results format has it: {@code {"image_id", "category_id", "bbox": [x, y, w, h],
 * "score"}}.
 */
public record CocoDetection(long imageId, int categoryId, CocoBox bbox, double score) {
    public CocoDetection {
        if (bbox == null) {
            throw new IllegalArgumentException("detection on image " + imageId + " has no box");
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("detection on image " + imageId + " has score " + score
                    + "; scores must be finite to be ranked");
        }
    }

    /** Reads a COCO results file: a JSON list of detections (other fields, e.g. segmentation, are not read). */
    public static List<CocoDetection> read(Path file) {
        JsonNode root = CocoJson.read(file, "a COCO results JSON list of {image_id, category_id, bbox, score}");
        String src = file.toString();
        if (!root.isArray()) {
            throw new IllegalArgumentException(src + ": expected a COCO results JSON list of {image_id, category_id,"
                    + " bbox, score}, got a " + root.getNodeType()
                    + (root.has("annotations") ? " (is this a ground-truth file? pass it as the ground truth)" : ""));
        }
        List<CocoDetection> out = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode d = root.get(i);
            String where = src + ": [" + i + "]";
            try {
                out.add(new CocoDetection(CocoJson.integer(d, "image_id", where),
                        CocoJson.intId(d, "category_id", where), CocoJson.box(d, where),
                        CocoJson.number(d, "score", where)));
            } catch (IllegalArgumentException e) {
                throw e.getMessage().startsWith(src) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Writes detections as a COCO results file (atomically), readable by {@link #read} and pycocotools. */
    public static void write(Path file, List<CocoDetection> detections) {
        List<Map<String, Object>> rows = new ArrayList<>(detections.size());
        for (CocoDetection d : detections) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("image_id", d.imageId());
            m.put("category_id", d.categoryId());
            m.put("bbox", List.of(d.bbox().x(), d.bbox().y(), d.bbox().w(), d.bbox().h()));
            m.put("score", d.score());
            rows.add(m);
        }
        try {
            AtomicFiles.write(file, CocoJson.MAPPER.writeValueAsBytes(rows));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise detections: " + e.getOriginalMessage(), e);
        }
    }
}
