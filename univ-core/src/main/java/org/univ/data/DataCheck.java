package org.univ.data;

import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data check behind {@code univ data check}: per root, the {@link RootScan} plus what the image headers say —
 * pixel formats seen on each side, pairs whose IR size differs from the RGB size (they are resized at load time),
 * unreadable files with the decoder's message. Headers only by default (fast; a file truncated after its header
 * passes); {@code decode = true} decodes every image fully.
 * A root is unusable when it has no pairs, a missing root or ids file, ids without a pair, or unreadable files.
 */
public final class DataCheck {
    private DataCheck() {}

    /** A pair whose IR image has a different size than its RGB image. */
    public record SizeMismatch(String id, int rgbWidth, int rgbHeight, int irWidth, int irHeight) implements Serializable {}

    /** A file the decoder refused, with its message. */
    public record Unreadable(String file, String message) implements Serializable {}

    /**
     * What the image headers of some pairs of one root say. Partial results (e.g. of parallel workers over
     * consecutive slices of a root's pairs) add up with {@link #plus}; lists keep pair order.
     */
    public record Headers(Map<String, Integer> rgbFormats, Map<String, Integer> irFormats,
                          List<SizeMismatch> sizeMismatches, List<Unreadable> unreadable) implements Serializable {
        public Headers {
            rgbFormats = new TreeMap<>(rgbFormats);
            irFormats = new TreeMap<>(irFormats);
            sizeMismatches = List.copyOf(sizeMismatches);
            unreadable = List.copyOf(unreadable);
        }

        public static final Headers NONE = new Headers(Map.of(), Map.of(), List.of(), List.of());

        /** Reads the headers of {@code pairs} (decodes them fully when {@code decode}). */
        public static Headers of(List<Pair> pairs, boolean decode) {
            Map<String, Integer> rgbFormats = new TreeMap<>();
            Map<String, Integer> irFormats = new TreeMap<>();
            List<SizeMismatch> mismatches = new ArrayList<>();
            List<Unreadable> unreadable = new ArrayList<>();
            for (Pair p : pairs) {
                ImageHeader rgb = header(p.rgbPath(), decode, unreadable);
                ImageHeader ir = header(p.irPath(), decode, unreadable);
                if (rgb != null) {
                    rgbFormats.merge(rgb.format().label(), 1, Integer::sum);
                }
                if (ir != null) {
                    irFormats.merge(ir.format().label(), 1, Integer::sum);
                }
                if (rgb != null && ir != null && (rgb.width() != ir.width() || rgb.height() != ir.height())) {
                    mismatches.add(new SizeMismatch(p.id(), rgb.width(), rgb.height(), ir.width(), ir.height()));
                }
            }
            return new Headers(rgbFormats, irFormats, mismatches, unreadable);
        }

        /** These pairs' facts followed by {@code later}'s. */
        public Headers plus(Headers later) {
            Map<String, Integer> rgb = new TreeMap<>(rgbFormats);
            Map<String, Integer> ir = new TreeMap<>(irFormats);
            later.rgbFormats.forEach((k, v) -> rgb.merge(k, v, Integer::sum));
            later.irFormats.forEach((k, v) -> ir.merge(k, v, Integer::sum));
            List<SizeMismatch> mismatches = new ArrayList<>(sizeMismatches);
            mismatches.addAll(later.sizeMismatches);
            List<Unreadable> bad = new ArrayList<>(unreadable);
            bad.addAll(later.unreadable);
            return new Headers(rgb, ir, mismatches, bad);
        }
    }

    /** Everything known about one root. Formats map a label such as {@code 16-bit grey} to a file count. */
    public record RootReport(String root, String ids, String layout, boolean usable, int pairs,
                             Map<String, Integer> rgbFormats, Map<String, Integer> irFormats,
                             List<String> rgbOrphans, List<String> irOrphans, List<SizeMismatch> sizeMismatches,
                             List<Unreadable> unreadable, List<String> missingIds, List<String> duplicateStems,
                             int ignoredFiles, List<String> problems) {}

    /** All roots; {@code usable} is true when every root is. */
    public record Report(boolean usable, int pairs, List<RootReport> roots) {}

    public static Report run(PairIndex index, boolean decode) {
        List<RootReport> roots = new ArrayList<>();
        for (RootScan scan : index.roots()) {
            roots.add(check(scan, decode));
        }
        return new Report(roots.stream().allMatch(RootReport::usable), roots.stream().mapToInt(RootReport::pairs).sum(), roots);
    }

    public static RootReport check(RootScan scan, boolean decode) {
        return report(scan, Headers.of(scan.pairs(), decode));
    }

    /** The report of one root from its scan and the headers of all its pairs (read here or by parallel workers). */
    public static RootReport report(RootScan scan, Headers headers) {
        Map<String, Integer> rgbFormats = headers.rgbFormats();
        Map<String, Integer> irFormats = headers.irFormats();
        List<SizeMismatch> mismatches = headers.sizeMismatches();
        List<Unreadable> unreadable = headers.unreadable();
        List<String> problems = new ArrayList<>(scan.problems());
        if (!unreadable.isEmpty()) {
            problems.add(unreadable.size() + " unreadable files, e.g. " + unreadable.get(0).file() + ": "
                    + unreadable.get(0).message() + " (replace or remove them, or load with skipBad)");
        }
        RootSpec spec = scan.spec();
        return new RootReport(spec.root().toString(), spec.ids() == null ? null : spec.ids().toString(),
                scan.layout() == null ? null : scan.layout().toString(), problems.isEmpty(), scan.pairs().size(),
                rgbFormats, irFormats, scan.rgbOrphans(), scan.irOrphans(), mismatches, unreadable, scan.missingIds(),
                scan.duplicateStems(), scan.ignoredFiles(), problems);
    }

    private static ImageHeader header(Path file, boolean decode, List<Unreadable> unreadable) {
        try {
            if (decode) {
                BufferedImage img = ImageDecoder.read(file);
                return new ImageHeader(img.getWidth(), img.getHeight(), ImageDecoder.format(img));
            }
            return ImageDecoder.header(file);
        } catch (ImageException e) {
            unreadable.add(new Unreadable(file.toString(), e.what()));
            return null;
        }
    }
}
