package org.univ.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.univ.data.DataException;
import org.univ.data.ImageDecoder;
import org.univ.data.ImageHeader;
import org.univ.data.PairIndex;
import org.univ.data.PairLayout;
import org.univ.data.RootSpec;
import org.univ.downstream.Modality;
import org.univ.eval.CocoBox;
import org.univ.eval.CocoGroundTruth;
import org.univ.io.AtomicFiles;

/**
 * Images with labelled boxes (pixels, corners), from YOLO text files or a COCO instances JSON.
 *
 * <p><b>YOLO</b> ({@code ROOT[:ids.txt]}): images of one modality in the root's pair-layout folder ({@code vi/} or
 * {@code ir/}, see {@link Modality}), one label file per image {@code labels/<visible|infrared>/<id>.txt} with lines
 * {@code cls cx cy w h} normalised to the image size, class names in {@code labels/classes.txt} (one name a line,
 * or {@code id name} lines with ids 0..K−1). An empty label file is an image without objects. Box corners may stray
 * outside [0, 1] by {@link #TOLERANCE} (annotation rounding) and are clipped; anything beyond is an error naming the
 * file and line, as are a class id beyond the class list, a non-positive size, an image without its label file, an
 * unreadable image and an empty dataset.
 *
 * <p><b>COCO</b> ({@code instances.json}): {@code images[]} with {@code id}, {@code file_name} (relative to the JSON's
 * folder) and {@code width}/{@code height}; {@code annotations[]} and {@code categories[]} as {@link CocoGroundTruth}
 * reads them. Crowd regions are kept for evaluation but not trained on.
 *
 * <p>Class index k (0..K−1, what a detector predicts) is the k-th category; its COCO id is {@code categories().get(k).id()}
 * (YOLO: the class id itself).
 */
public final class DetectionDataset {
    /** How far (as a fraction of the image side) a YOLO box corner may lie outside the image before it is an error. */
    public static final double TOLERANCE = 0.01;
    private static final Pattern ID_NAME = Pattern.compile("(\\d+)\\s+(\\S.*)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One object: class index (0..K−1) and corners in pixels of the original image, x2 > x1, y2 > y1. */
    public record Box(int classIndex, double x1, double y1, double x2, double y2) {
        public double width() {
            return x2 - x1;
        }

        public double height() {
            return y2 - y1;
        }

        public CocoBox toCoco() {
            return CocoBox.ofCorners(x1, y1, x2, y2);
        }
    }

    /**
     * One image.
     *
     * @param id      file stem (YOLO) or file name (COCO)
     * @param imageId COCO image id (YOLO: 1-based position in the dataset)
     * @param boxes   objects to train on (crowd regions excluded)
     */
    public record Sample(String id, long imageId, Path image, int width, int height, List<Box> boxes) {
        public Sample {
            boxes = List.copyOf(boxes);
        }
    }

    private final String source;
    private final Modality modality;
    private final List<CocoGroundTruth.Category> categories;
    private final List<Sample> samples;
    private final CocoGroundTruth groundTruth;

    private DetectionDataset(String source, Modality modality, List<CocoGroundTruth.Category> categories,
                             List<Sample> samples, CocoGroundTruth groundTruth) {
        if (samples.isEmpty()) {
            throw new DataException(source + ": the dataset has no images (check the ids file and the image folder)");
        }
        this.source = source;
        this.modality = modality;
        this.categories = List.copyOf(categories);
        this.samples = List.copyOf(samples);
        this.groundTruth = groundTruth != null ? groundTruth : groundTruthOf(this.categories, this.samples);
    }

    /** {@code file.json} opens COCO, anything else is a YOLO {@code ROOT[:ids.txt]} (see {@link RootSpec#parse}). */
    public static DetectionDataset open(String spec, Modality modality) {
        String s = spec.trim();
        if (s.toLowerCase(Locale.ROOT).endsWith(".json")) {
            return coco(Path.of(s), modality);
        }
        return yolo(RootSpec.parse(s), modality);
    }

    // ---- YOLO ----

    public static DetectionDataset yolo(RootSpec spec, Modality modality) {
        Path root = spec.root();
        if (!Files.isDirectory(root)) {
            throw new DataException(root + ": data root does not exist or is not a folder");
        }
        Path imageDir = imageDir(spec, modality);
        Path labelDir = root.resolve(modality.labelDir());
        if (!Files.isDirectory(labelDir)) {
            throw new DataException(labelDir + ": no label folder for " + modality.key() + " images (expected YOLO files"
                    + " " + modality.labelDir() + "/<id>.txt under " + root + ")");
        }
        List<CocoGroundTruth.Category> categories = readClasses(root.resolve("labels/classes.txt"));
        Map<String, Path> images = listImages(imageDir);
        Collection<String> ids = images.keySet();
        if (spec.ids() != null) {
            ids = readIds(spec.ids());
            List<String> absent = ids.stream().filter(id -> !images.containsKey(id)).toList();
            if (!absent.isEmpty()) {
                throw new DataException(spec.ids() + ": " + absent.size() + " listed ids have no image in " + imageDir
                        + ": " + firstFew(absent) + " (fix the ids file or restore the images)");
            }
        }
        List<String> unlabelled = ids.stream().filter(id -> !Files.isRegularFile(labelDir.resolve(id + ".txt"))).toList();
        if (!unlabelled.isEmpty()) {
            throw new DataException(labelDir + ": " + unlabelled.size() + " images have no label file: "
                    + firstFew(unlabelled.stream().map(id -> id + ".txt").toList())
                    + " (an image without objects needs an empty label file)");
        }
        List<Sample> samples = new ArrayList<>();
        for (String id : ids) {
            Path image = images.get(id);
            ImageHeader header = ImageDecoder.header(image); // an unreadable image fails here, naming the file
            samples.add(new Sample(id, samples.size() + 1L, image, header.width(), header.height(),
                    readYolo(labelDir.resolve(id + ".txt"), categories.size(), header.width(), header.height())));
        }
        return new DetectionDataset(spec.toString(), modality, categories, samples, null);
    }

    private static Path imageDir(RootSpec spec, Modality modality) {
        Path root = spec.root();
        if (spec.layout() != null) {
            return root.resolve(modality.imageDir(spec.layout()));
        }
        List<PairLayout> layouts = PairLayout.detect(root);
        if (layouts.size() == 1) {
            return root.resolve(modality.imageDir(layouts.get(0)));
        }
        for (String dir : modality.imageDirCandidates()) {
            if (Files.isDirectory(root.resolve(dir))) {
                return root.resolve(dir);
            }
        }
        throw new DataException(root + ": no " + modality.key() + " image folder (looked for "
                + modality.imageDirCandidates() + ")");
    }

    /** {@code labels/classes.txt}: one name a line (id = line), or {@code id name} lines with ids 0..K−1. */
    static List<CocoGroundTruth.Category> readClasses(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": class list not found (one class name a line, or 'id name' lines)");
        }
        List<String> lines = readLines(file);
        List<CocoGroundTruth.Category> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            Matcher m = ID_NAME.matcher(t);
            String name = t;
            if (m.matches()) {
                int id = Integer.parseInt(m.group(1));
                if (id != out.size()) {
                    throw new DataException(file + ":" + (i + 1) + ": class id " + id + " where " + out.size()
                            + " was expected (ids must run 0, 1, 2, … in order)");
                }
                name = m.group(2).strip();
            }
            out.add(new CocoGroundTruth.Category(out.size(), name));
        }
        if (out.isEmpty()) {
            throw new DataException(file + ": the class list is empty");
        }
        return out;
    }

    /** One label file: {@code cls cx cy w h} per line, normalised; corners in pixels, clipped to the image. */
    static List<Box> readYolo(Path file, int numClasses, int width, int height) {
        List<String> lines = readLines(file);
        List<Box> boxes = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            String[] f = t.split("\\s+");
            if (f.length != 5) {
                throw new DataException(where + ": expected 'class cx cy w h' (5 fields), got '" + t + "'");
            }
            int cls;
            double[] v = new double[4];
            try {
                cls = Integer.parseInt(f[0]);
                for (int k = 0; k < 4; k++) {
                    v[k] = Double.parseDouble(f[k + 1]);
                }
            } catch (NumberFormatException e) {
                throw new DataException(where + ": not a number in '" + t + "' (expected an integer class and 4 numbers)");
            }
            if (cls < 0 || cls >= numClasses) {
                throw new DataException(where + ": class id " + cls + " is beyond the class list (" + numClasses
                        + " classes, ids 0.." + (numClasses - 1) + " in labels/classes.txt); fix the line or add the class");
            }
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    throw new DataException(where + ": non-finite value in '" + t + "'");
                }
            }
            if (v[2] <= 0 || v[3] <= 0) {
                throw new DataException(where + ": box size " + v[2] + " x " + v[3] + " is not positive; fix or delete"
                        + " the line");
            }
            double x1 = v[0] - v[2] / 2;
            double y1 = v[1] - v[3] / 2;
            double x2 = v[0] + v[2] / 2;
            double y2 = v[1] + v[3] / 2;
            if (x1 < -TOLERANCE || y1 < -TOLERANCE || x2 > 1 + TOLERANCE || y2 > 1 + TOLERANCE) {
                throw new DataException(String.format(Locale.ROOT, "%s: box corners (%.4f, %.4f)-(%.4f, %.4f) lie"
                        + " outside the image [0, 1] by more than %.2f; YOLO lines are 'class cx cy w h' normalised to the"
                        + " image size: fix or delete the line", where, x1, y1, x2, y2, TOLERANCE));
            }
            boxes.add(new Box(cls, clip(x1) * width, clip(y1) * height, clip(x2) * width, clip(y2) * height));
        }
        return boxes;
    }

    private static double clip(double v) {
        return Math.max(0, Math.min(1, v));
    }

    // ---- COCO ----

    /** A COCO instances file; image paths are relative to its folder. {@code modality} only labels the set. */
    public static DetectionDataset coco(Path json, Modality modality) {
        CocoGroundTruth gt = CocoGroundTruth.read(json); // validates ids, categories, boxes
        JsonNode root;
        try {
            root = JSON.readTree(json.toFile());
        } catch (IOException e) {
            throw new DataException(json + ": cannot read (" + e.getMessage() + ")", e);
        }
        Path dir = json.toAbsolutePath().getParent();
        Map<Integer, Integer> classIndex = new HashMap<>();
        for (CocoGroundTruth.Category c : gt.categories()) {
            classIndex.put(c.id(), classIndex.size());
        }
        Map<Long, List<Box>> boxes = new HashMap<>();
        Map<Long, JsonNode> imageNodes = new LinkedHashMap<>();
        JsonNode images = root.get("images");
        for (int i = 0; i < images.size(); i++) {
            JsonNode img = images.get(i);
            String where = json + ": images[" + i + "]";
            for (String f : List.of("file_name", "width", "height")) {
                if (!img.hasNonNull(f)) {
                    throw new DataException(where + " has no \"" + f + "\" (training and prediction need the file and"
                            + " its size)");
                }
            }
            imageNodes.put(img.get("id").asLong(), img);
        }
        for (int i = 0; i < gt.annotations().size(); i++) {
            CocoGroundTruth.Annotation a = gt.annotations().get(i);
            JsonNode img = imageNodes.get(a.imageId());
            int w = img.get("width").asInt();
            int h = img.get("height").asInt();
            CocoBox b = a.bbox();
            String where = json + ": annotations[" + i + "]";
            if (b.w() <= 0 || b.h() <= 0) {
                throw new DataException(where + ": box size " + b.w() + " x " + b.h() + " is not positive");
            }
            double tolX = TOLERANCE * w;
            double tolY = TOLERANCE * h;
            if (b.x() < -tolX || b.y() < -tolY || b.x() + b.w() > w + tolX || b.y() + b.h() > h + tolY) {
                throw new DataException(where + ": box " + b + " lies outside its " + w + "x" + h + " image (image "
                        + a.imageId() + ")");
            }
            if (!a.crowd()) {
                boxes.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(new Box(classIndex.get(a.categoryId()),
                        Math.max(0, b.x()), Math.max(0, b.y()), Math.min(w, b.x() + b.w()), Math.min(h, b.y() + b.h())));
            }
        }
        List<Sample> samples = new ArrayList<>();
        for (Map.Entry<Long, JsonNode> e : imageNodes.entrySet()) {
            JsonNode img = e.getValue();
            Path file = dir.resolve(img.get("file_name").asText());
            if (!Files.isRegularFile(file)) {
                throw new DataException(json + ": image " + e.getKey() + " file " + file + " does not exist (file_name is"
                        + " taken relative to the JSON's folder)");
            }
            samples.add(new Sample(img.get("file_name").asText(), e.getKey(), file, img.get("width").asInt(),
                    img.get("height").asInt(), boxes.getOrDefault(e.getKey(), List.of())));
        }
        return new DetectionDataset(json.toString(), modality, gt.categories(), samples, gt);
    }

    // ---- views ----

    public String source() {
        return source;
    }

    public Modality modality() {
        return modality;
    }

    public List<Sample> samples() {
        return samples;
    }

    public int size() {
        return samples.size();
    }

    public Sample get(int i) {
        return samples.get(i);
    }

    public List<CocoGroundTruth.Category> categories() {
        return categories;
    }

    public int numClasses() {
        return categories.size();
    }

    public List<String> classNames() {
        return categories.stream().map(CocoGroundTruth.Category::name).toList();
    }

    /** COCO category id of class index k. */
    public int categoryId(int classIndex) {
        return categories.get(classIndex).id();
    }

    /** The first {@code n} images (same classes, image ids kept), e.g. for a quick run or a benchmark. */
    public DetectionDataset first(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("need at least one image, got " + n);
        }
        return new DetectionDataset(source + " (first " + n + ")", modality, categories,
                samples.subList(0, Math.min(n, samples.size())), null);
    }

    /** Objects over all images. */
    public int boxCount() {
        return samples.stream().mapToInt(s -> s.boxes().size()).sum();
    }

    /** The ground truth as {@link org.univ.eval.CocoEval} scores it (COCO sets: as read, crowd regions included). */
    public CocoGroundTruth groundTruth() {
        return groundTruth;
    }

    /** The ground truth as a COCO instances JSON (images with file names and sizes), for {@code univ det eval}. */
    public void writeCocoJson(Path file) {
        Map<Long, Sample> byId = new HashMap<>();
        samples.forEach(s -> byId.put(s.imageId(), s));
        List<Map<String, Object>> images = new ArrayList<>();
        for (long id : groundTruth.imageIds()) {
            Sample s = byId.get(id);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("file_name", s == null ? String.valueOf(id) : s.image().toString());
            if (s != null) {
                m.put("width", s.width());
                m.put("height", s.height());
            }
            images.add(m);
        }
        List<Map<String, Object>> annotations = new ArrayList<>();
        for (CocoGroundTruth.Annotation a : groundTruth.annotations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", annotations.size() + 1);
            m.put("image_id", a.imageId());
            m.put("category_id", a.categoryId());
            m.put("bbox", List.of(a.bbox().x(), a.bbox().y(), a.bbox().w(), a.bbox().h()));
            m.put("area", a.area());
            m.put("iscrowd", a.crowd() ? 1 : 0);
            annotations.add(m);
        }
        List<Map<String, Object>> cats = new ArrayList<>();
        for (CocoGroundTruth.Category c : categories) {
            cats.add(Map.of("id", c.id(), "name", c.name()));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("images", images);
        doc.put("annotations", annotations);
        doc.put("categories", cats);
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%s): %d images, %d boxes, classes %s", source,
                modality == null ? "?" : modality.key(), size(), boxCount(), classNames());
    }

    // ---- helpers ----

    private static CocoGroundTruth groundTruthOf(List<CocoGroundTruth.Category> categories, List<Sample> samples) {
        List<Long> ids = samples.stream().map(Sample::imageId).toList();
        List<CocoGroundTruth.Annotation> anns = new ArrayList<>();
        for (Sample s : samples) {
            for (Box b : s.boxes()) {
                anns.add(new CocoGroundTruth.Annotation(s.imageId(), categories.get(b.classIndex()).id(), b.toCoco()));
            }
        }
        return new CocoGroundTruth(ids, categories, anns);
    }

    private static Map<String, Path> listImages(Path dir) {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String name = f.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(f) && PairIndex.isImage(f)) {
                    Path before = out.put(PairIndex.stem(name), f);
                    if (before != null) {
                        throw new DataException(dir + ": two images share the stem " + PairIndex.stem(name) + " ("
                                + before.getFileName() + ", " + name + "); remove one");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new DataException(dir + ": no images (PNG, JPEG, BMP, TIFF) — the dataset is empty");
        }
        return out;
    }

    private static List<String> readIds(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException("ids file " + file + " does not exist (expected one image id per line)");
        }
        Set<String> ids = new java.util.LinkedHashSet<>();
        for (String line : readLines(file)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                ids.add(PairIndex.stem(t));
            }
        }
        if (ids.isEmpty()) {
            throw new DataException("ids file " + file + " lists no ids: the dataset is empty");
        }
        return new ArrayList<>(new java.util.TreeSet<>(ids));
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static String firstFew(List<String> items) {
        String head = String.join(", ", items.subList(0, Math.min(5, items.size())));
        return items.size() > 5 ? head + ", … (" + items.size() + " in all)" : head;
    }
}
