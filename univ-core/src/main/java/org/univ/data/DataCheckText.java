package org.univ.data;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The text form of a {@link DataCheck.Report}: one block per root, then a closing line (what {@code data check} prints). */
public final class DataCheckText {
    private DataCheckText() {}

    /** What {@code data check} prints: indented JSON (every name) or {@link #format the text form}. */
    public static String render(DataCheck.Report report, boolean json, int listed) {
        if (!json) {
            return format(report, listed);
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the data check report as JSON: " + e.getMessage(), e);
        }
    }

    /** @param listed names listed per category (the rest are counted) */
    public static String format(DataCheck.Report report, int listed) {
        StringBuilder out = new StringBuilder();
        for (DataCheck.RootReport r : report.roots()) {
            out.append(r.root()).append(r.ids() == null ? "" : "  (ids " + r.ids() + ")").append('\n');
            row(out, "layout", r.layout() == null ? "none" : r.layout());
            row(out, "pairs", String.valueOf(r.pairs()));
            row(out, "RGB formats", formats(r.rgbFormats()));
            row(out, "IR formats", formats(r.irFormats()));
            row(out, "RGB orphans", names(r.rgbOrphans(), listed));
            row(out, "IR orphans", names(r.irOrphans(), listed));
            row(out, "size mismatch", names(r.sizeMismatches().stream().map(m -> m.id() + " RGB " + m.rgbWidth() + "×"
                    + m.rgbHeight() + " IR " + m.irWidth() + "×" + m.irHeight()).toList(), listed)
                    + (r.sizeMismatches().isEmpty() ? "" : "  (IR resized to the RGB size when loading)"));
            row(out, "unreadable", names(r.unreadable().stream().map(u -> u.file() + ": " + u.message()).toList(), listed));
            if (!r.missingIds().isEmpty()) {
                row(out, "missing ids", names(r.missingIds(), listed));
            }
            if (!r.duplicateStems().isEmpty()) {
                row(out, "duplicates", names(r.duplicateStems(), listed));
            }
            if (r.ignoredFiles() > 0) {
                row(out, "ignored", r.ignoredFiles() + " non-image files");
            }
            row(out, "status", r.usable() ? "usable" : "UNUSABLE: " + String.join("; ", r.problems()));
            out.append('\n');
        }
        long bad = report.roots().stream().filter(r -> !r.usable()).count();
        out.append(report.roots().size()).append(" root(s), ").append(report.pairs()).append(" pairs: ")
                .append(bad == 0 ? "all usable" : bad + " unusable").append('\n');
        return out.toString();
    }

    private static void row(StringBuilder out, String key, String value) {
        out.append(String.format(Locale.ROOT, "  %-14s %s%n", key, value));
    }

    private static String formats(Map<String, Integer> f) {
        return f.isEmpty() ? "-" : f.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String names(List<String> items, int listed) {
        if (items.isEmpty()) {
            return "0";
        }
        String head = items.stream().limit(listed).collect(Collectors.joining(", "));
        return items.size() + ": " + head + (items.size() > listed ? ", …" : "");
    }
}
