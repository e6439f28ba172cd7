package org.univ.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The visible/infrared pairs of one or more roots (METHOD §5), matched by file stem: {@code vi/0001.png} pairs
 * with {@code ir/0001.jpg} (extensions PNG, JPEG/JPG, BMP, TIF/TIFF in any case may differ between the sides).
 * Pairs are ordered by root (as given) then id (sorted), so index {@code i} names the same pair on every run.
 * <p>{@link #scan} records every problem per root ({@link RootScan}) and never throws for bad data (what
 * {@code univ data check} prints); {@link #open} is the same but throws a {@link DataException} listing every
 * unusable root (missing root or ids file, no layout, no pairs, ids without a pair, ambiguous stems).
 * Orphans (a file without its partner) are reported, not fatal. Image headers are read by {@link DataCheck}.
 */
public final class PairIndex {
    private static final Logger LOG = LoggerFactory.getLogger(PairIndex.class);
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff");
    private static final int LISTED = 5;

    private final List<RootScan> roots;
    private final List<Pair> pairs;

    private PairIndex(List<RootScan> roots) {
        this.roots = List.copyOf(roots);
        this.pairs = roots.stream().flatMap(r -> r.pairs().stream()).toList();
    }

    /** Scans every root and records its problems; throws only when no root is given. */
    public static PairIndex scan(Collection<RootSpec> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no data root given: pass ROOT or ROOT:ids.txt (one or more)");
        }
        return new PairIndex(specs.stream().map(PairIndex::scanRoot).toList());
    }

    public static PairIndex scan(RootSpec... specs) {
        return scan(List.of(specs));
    }

    /** {@link #scan}, then {@link #requireUsable}. */
    public static PairIndex open(Collection<RootSpec> specs) {
        PairIndex index = scan(specs).requireUsable();
        for (RootScan r : index.roots) {
            int orphans = r.rgbOrphans().size() + r.irOrphans().size();
            if (orphans > 0) {
                LOG.warn("{}: {} files without a partner ignored (RGB only: {}, IR only: {})", r.spec(), orphans,
                        firstFew(r.rgbOrphans()), firstFew(r.irOrphans()));
            }
        }
        return index;
    }

    /** Opens roots given as {@code ROOT} or {@code ROOT:ids.txt} (see {@link RootSpec#parse}). */
    public static PairIndex open(String... specs) {
        return open(Stream.of(specs).map(RootSpec::parse).toList());
    }

    /** This index, or a {@link DataException} naming every unusable root and why. */
    public PairIndex requireUsable() {
        StringBuilder sb = new StringBuilder();
        for (RootScan r : roots) {
            if (!r.usable()) {
                sb.append(sb.length() == 0 ? "" : "\n").append("unusable data root ").append(r.spec()).append(": ")
                        .append(String.join("; ", r.problems()));
            }
        }
        if (sb.length() > 0) {
            throw new DataException(sb.toString());
        }
        return this;
    }

    public boolean usable() {
        return roots.stream().allMatch(RootScan::usable);
    }

    public List<RootScan> roots() {
        return roots;
    }

    public List<Pair> pairs() {
        return pairs;
    }

    public int size() {
        return pairs.size();
    }

    public Pair get(int i) {
        return pairs.get(i);
    }

    /** True for the image extensions the index matches (case-insensitive). */
    public static boolean isImage(Path file) {
        String ext = extension(file.getFileName().toString());
        return ext != null && EXTENSIONS.contains(ext.toLowerCase(Locale.ROOT));
    }

    /**
     * The images to run a model on: {@code fileOrFolder} itself, or the image files directly in that folder (sorted,
     * hidden files skipped). A missing path or a folder without images is a {@link DataException} naming it.
     */
    public static List<Path> imageFiles(Path fileOrFolder) {
        if (Files.isRegularFile(fileOrFolder)) {
            return List.of(fileOrFolder);
        }
        if (!Files.isDirectory(fileOrFolder)) {
            throw new DataException(fileOrFolder + " is neither an image file nor a folder of images");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(fileOrFolder)) {
            files = s.filter(f -> Files.isRegularFile(f) && isImage(f) && !f.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot list " + fileOrFolder + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new DataException("no images (PNG, JPEG, BMP, TIFF) in " + fileOrFolder);
        }
        return files;
    }

    /** A file name without its image extension ({@code 00004N.png} → {@code 00004N}); other names unchanged. */
    public static String stem(String name) {
        String ext = extension(name);
        return ext != null && EXTENSIONS.contains(ext.toLowerCase(Locale.ROOT)) ? name.substring(0, name.length() - ext.length() - 1) : name;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && dot < name.length() - 1 ? name.substring(dot + 1) : null;
    }

    private static RootScan scanRoot(RootSpec spec) {
        List<String> problems = new ArrayList<>();
        Path root = spec.root();
        if (!Files.isDirectory(root)) {
            problems.add("root " + root + " does not exist or is not a folder");
            return empty(spec, null, problems);
        }
        PairLayout layout = spec.layout();
        if (layout != null) {
            if (!layout.exists(root)) {
                problems.add("layout " + layout + " not found: " + root.resolve(layout.rgbDir()) + " and "
                        + root.resolve(layout.irDir()) + " must both be folders");
            }
        } else {
            List<PairLayout> found = PairLayout.detect(root);
            if (found.isEmpty()) {
                problems.add("no pair layout found: expected vi/ + ir/, visible/ + infrared/ or vi_images/training/ +"
                        + " images/training/ under " + root + " (or give the two folders explicitly)");
            } else if (found.size() > 1) {
                problems.add("several pair layouts present (" + found + "); give the one to use explicitly");
            } else {
                layout = found.get(0);
            }
        }
        Set<String> ids = null;
        if (spec.ids() != null) {
            if (!Files.isRegularFile(spec.ids())) {
                problems.add("ids file " + spec.ids() + " does not exist (expected one pair id per line)");
            } else {
                try {
                    ids = readIds(spec.ids());
                } catch (UncheckedIOException e) {
                    problems.add(e.getMessage());
                    return empty(spec, layout, problems);
                }
                if (ids.isEmpty()) {
                    problems.add("ids file " + spec.ids() + " lists no ids");
                }
            }
        }
        if (!problems.isEmpty()) {
            return empty(spec, layout, problems);
        }
        int[] ignored = new int[1];
        Map<String, List<Path>> rgb;
        Map<String, List<Path>> ir;
        try {
            rgb = listSide(root.resolve(layout.rgbDir()), ignored);
            ir = listSide(root.resolve(layout.irDir()), ignored);
        } catch (UncheckedIOException e) {
            problems.add(e.getMessage());
            return empty(spec, layout, problems);
        }

        List<String> duplicates = new ArrayList<>();
        addDuplicates(rgb, layout.rgbDir(), duplicates);
        addDuplicates(ir, layout.irDir(), duplicates);
        List<String> rgbOrphans = orphans(rgb, ir);
        List<String> irOrphans = orphans(ir, rgb);

        List<Pair> pairs = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Collection<String> wanted = ids != null ? new TreeSet<>(ids) : rgb.keySet();
        for (String id : wanted) {
            List<Path> v = rgb.get(id);
            List<Path> t = ir.get(id);
            if (v == null || t == null) {
                if (ids != null) {
                    missing.add(id + " (no " + (v == null && t == null ? "RGB or IR" : v == null ? "RGB" : "IR") + " file)");
                }
            } else if (v.size() == 1 && t.size() == 1) {
                pairs.add(new Pair(id, root, v.get(0), t.get(0)));
            }
        }
        if (!duplicates.isEmpty()) {
            problems.add(duplicates.size() + " stems have several files on one side, which one is meant is unclear: "
                    + firstFew(duplicates) + " (remove the extra files)");
        }
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " ids listed in " + spec.ids() + " have no pair: " + firstFew(missing)
                    + " (fix the ids file or restore the files)");
        }
        if (pairs.isEmpty() && problems.isEmpty()) {
            problems.add("no pairs: " + layout.rgbDir() + "/ has " + rgb.size() + " images, " + layout.irDir() + "/ has "
                    + ir.size() + ", with no file stem in common");
        }
        return new RootScan(spec, layout, pairs, rgbOrphans, irOrphans, missing, duplicates, ignored[0], problems);
    }

    private static RootScan empty(RootSpec spec, PairLayout layout, List<String> problems) {
        return new RootScan(spec, layout, List.of(), List.of(), List.of(), List.of(), List.of(), 0, problems);
    }

    /** Stem → files, sorted by stem; counts non-image files into {@code ignored[0]}. */
    private static Map<String, List<Path>> listSide(Path dir, int[] ignored) {
        Map<String, List<Path>> byStem = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(f)) {
                    continue;
                }
                if (!isImage(f)) {
                    ignored[0]++;
                    continue;
                }
                byStem.computeIfAbsent(stem(name), k -> new ArrayList<>()).add(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return byStem;
    }

    private static void addDuplicates(Map<String, List<Path>> side, String dir, List<String> out) {
        side.forEach((stem, files) -> {
            if (files.size() > 1) {
                out.add(dir + "/" + stem + " (" + String.join(", ", files.stream().map(f -> f.getFileName().toString()).toList()) + ")");
            }
        });
    }

    private static List<String> orphans(Map<String, List<Path>> side, Map<String, List<Path>> other) {
        List<String> out = new ArrayList<>();
        side.forEach((stem, files) -> {
            if (!other.containsKey(stem)) {
                files.forEach(f -> out.add(f.getFileName().toString()));
            }
        });
        return out;
    }

    /** Ids, one a line: stems or image file names; blank lines and {@code #} comments skipped; order-free set. */
    public static Set<String> readIds(Path file) {
        Set<String> ids = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    ids.add(stem(t));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ids file " + file + ": " + e.getMessage(), e);
        }
        return ids;
    }

    static String firstFew(List<String> items) {
        if (items.isEmpty()) {
            return "none";
        }
        String head = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
        return items.size() > LISTED ? head + ", … (" + items.size() + " in all)" : head;
    }
}
