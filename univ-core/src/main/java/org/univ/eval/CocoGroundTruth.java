package org.univ.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ground truth of a COCO detection dataset: what {@link CocoEval} needs from an instances JSON file.
 *
 * @param imageIds    ids of every image evaluated, also those without objects (their detections are false
 *                    positives); unique
 * @param categories  the classes; unique ids
 * @param annotations the objects; each on a listed image and category
 */
public record CocoGroundTruth(List<Long> imageIds, List<Category> categories, List<Annotation> annotations) {

    /** A class: its COCO id and name. */
    public record Category(int id, String name) {
        public Category {
            if (name == null) {
                name = String.valueOf(id);
            }
        }
    }

    /**
     * One object.
     *
     * @param area  the annotation's area (in COCO the segmentation's pixel count, smaller than the box's); decides
     *              small / medium / large; the IoU always uses the box
     * @param crowd COCO's {@code iscrowd}: a region of many objects that detections may hit without penalty
     */
    public record Annotation(long imageId, int categoryId, CocoBox bbox, double area, boolean crowd) {
        public Annotation {
            if (bbox == null) {
                throw new IllegalArgumentException("annotation on image " + imageId + " has no box");
            }
            if (!Double.isFinite(area) || area < 0) {
                throw new IllegalArgumentException("annotation on image " + imageId + " has area " + area
                        + "; expected a finite value ≥ 0");
            }
        }

        /** A plain (not crowd) object whose area is its box's. */
        public Annotation(long imageId, int categoryId, CocoBox bbox) {
            this(imageId, categoryId, bbox, bbox.area(), false);
        }
    }

    public CocoGroundTruth {
        imageIds = List.copyOf(imageIds);
        categories = List.copyOf(categories);
        annotations = List.copyOf(annotations);
        Set<Long> images = new HashSet<>();
        for (long id : imageIds) {
            if (!images.add(id)) {
                throw new IllegalArgumentException("image id " + id + " is listed twice; image ids must be unique");
            }
        }
        Set<Integer> classes = new HashSet<>();
        for (Category c : categories) {
            if (!classes.add(c.id())) {
                throw new IllegalArgumentException("category id " + c.id() + " is listed twice; category ids must be"
                        + " unique");
            }
        }
        for (int i = 0; i < annotations.size(); i++) {
            Annotation a = annotations.get(i);
            if (!images.contains(a.imageId())) {
                throw new IllegalArgumentException("annotations[" + i + "] is on image " + a.imageId()
                        + ", which is not among the images; add it to \"images\"");
            }
            if (!classes.contains(a.categoryId())) {
                throw new IllegalArgumentException("annotations[" + i + "] has category " + a.categoryId()
                        + ", which is not among the categories " + classes + "; add it to \"categories\"");
            }
        }
    }

    /**
     * Reads a COCO instances file: {@code images[].id}, {@code categories[].id/name}, {@code annotations[]} with
     * {@code image_id}, {@code category_id}, {@code bbox} [x, y, w, h], {@code area} (optional: the box area when
     * absent) and {@code iscrowd} (optional: 0 when absent). Other fields (segmentation, ignore, …) are not read.
     */
    public static CocoGroundTruth read(Path file) {
        JsonNode root = CocoJson.read(file, "a COCO ground-truth JSON object with images, annotations, categories");
        String src = file.toString();
        if (!root.isObject()) {
            throw new IllegalArgumentException(src + ": expected a COCO ground-truth JSON object with \"images\","
                    + " \"annotations\" and \"categories\", got a " + root.getNodeType()
                    + (root.isArray() ? " (is this a results file? pass it as the detections)" : ""));
        }
        List<Long> images = new ArrayList<>();
        JsonNode imageNodes = CocoJson.array(root, "images", src);
        for (int i = 0; i < imageNodes.size(); i++) {
            images.add(CocoJson.integer(imageNodes.get(i), "id", src + ": images[" + i + "]"));
        }
        List<Category> categories = new ArrayList<>();
        JsonNode catNodes = CocoJson.array(root, "categories", src);
        for (int i = 0; i < catNodes.size(); i++) {
            JsonNode c = catNodes.get(i);
            JsonNode name = c.get("name");
            categories.add(new Category(CocoJson.intId(c, "id", src + ": categories[" + i + "]"),
                    name == null || name.isNull() ? null : name.asText()));
        }
        List<Annotation> annotations = new ArrayList<>();
        JsonNode annNodes = CocoJson.array(root, "annotations", src);
        for (int i = 0; i < annNodes.size(); i++) {
            JsonNode a = annNodes.get(i);
            String where = src + ": annotations[" + i + "]";
            CocoBox box = CocoJson.box(a, where);
            double area = a.hasNonNull("area") ? CocoJson.number(a, "area", where) : box.area();
            boolean crowd = a.hasNonNull("iscrowd") && CocoJson.integer(a, "iscrowd", where) != 0;
            try {
                annotations.add(new Annotation(CocoJson.integer(a, "image_id", where),
                        CocoJson.intId(a, "category_id", where), box, area, crowd));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        try {
            return new CocoGroundTruth(images, categories, annotations);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(src + ": " + e.getMessage(), e);
        }
    }
}
