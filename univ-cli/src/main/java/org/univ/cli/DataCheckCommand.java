package org.univ.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.univ.data.DataCheck;
import org.univ.data.PairIndex;
import org.univ.data.PairLayout;
import org.univ.data.RootSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code univ data check ROOT[:ids.txt]...}: what the loader would see in each root; exit 1 if one is unusable. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check data roots of visible/infrared pairs: layout, pairs, orphans, IR/RGB size mismatches,"
                + " unreadable files, pixel formats. Exits 1 when a root is unusable (missing root or ids file, no pairs,"
                + " ids without a pair, unreadable files)."})
final class DataCheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ROOT[:IDS]", arity = "1..*",
            description = "a data root, optionally with a file of pair ids to use (one a line; relative to the root if not found)")
    List<String> roots;

    @Option(names = "--layout", description = "folders of every root: vi-ir, visible-infrared, mvip, or RGBDIR,IRDIR (default: detect)")
    String layout;

    @Option(names = "--decode", description = "decode every image fully (finds files truncated after their header; slower)")
    boolean decode;

    @Option(names = "--json", description = "machine-readable output (all names listed)")
    boolean json;

    @Option(names = "--list", defaultValue = "10", description = "names listed per category in text output (default ${DEFAULT-VALUE})")
    int list;

    @Override
    public Integer call() throws IOException {
        PairLayout l = layout == null ? null : PairLayout.parse(layout);
        List<RootSpec> specs = roots.stream().map(RootSpec::parse).map(s -> l == null ? s : s.withLayout(l)).toList();
        DataCheck.Report report = DataCheck.run(PairIndex.scan(specs), decode);
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            print(report);
        }
        return report.usable() ? 0 : 1;
    }

    private void print(DataCheck.Report report) {
        for (DataCheck.RootReport r : report.roots()) {
            System.out.println(r.root() + (r.ids() == null ? "" : "  (ids " + r.ids() + ")"));
            row("layout", r.layout() == null ? "none" : r.layout());
            row("pairs", String.valueOf(r.pairs()));
            row("RGB formats", formats(r.rgbFormats()));
            row("IR formats", formats(r.irFormats()));
            row("RGB orphans", names(r.rgbOrphans()));
            row("IR orphans", names(r.irOrphans()));
            row("size mismatch", names(r.sizeMismatches().stream().map(m -> m.id() + " RGB " + m.rgbWidth() + "×"
                    + m.rgbHeight() + " IR " + m.irWidth() + "×" + m.irHeight()).toList())
                    + (r.sizeMismatches().isEmpty() ? "" : "  (IR resized to the RGB size when loading)"));
            row("unreadable", names(r.unreadable().stream().map(u -> u.file() + ": " + u.message()).toList()));
            if (!r.missingIds().isEmpty()) {
                row("missing ids", names(r.missingIds()));
            }
            if (!r.duplicateStems().isEmpty()) {
                row("duplicates", names(r.duplicateStems()));
            }
            if (r.ignoredFiles() > 0) {
                row("ignored", r.ignoredFiles() + " non-image files");
            }
            row("status", r.usable() ? "usable" : "UNUSABLE: " + String.join("; ", r.problems()));
            System.out.println();
        }
        long bad = report.roots().stream().filter(r -> !r.usable()).count();
        System.out.println(report.roots().size() + " root(s), " + report.pairs() + " pairs: "
                + (bad == 0 ? "all usable" : bad + " unusable"));
    }

    private static void row(String key, String value) {
        System.out.printf("  %-14s %s%n", key, value);
    }

    private static String formats(Map<String, Integer> f) {
        return f.isEmpty() ? "-" : f.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    }

    private String names(List<String> items) {
        if (items.isEmpty()) {
            return "0";
        }
        String head = items.stream().limit(list).collect(Collectors.joining(", "));
        return items.size() + ": " + head + (items.size() > list ? ", …" : "");
    }
}
