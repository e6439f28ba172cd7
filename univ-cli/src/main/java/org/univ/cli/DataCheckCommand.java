package org.univ.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.univ.data.DataCheck;
import org.univ.data.DataCheckText;
import org.univ.data.PairIndex;
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
    public Integer call() {
        List<RootSpec> specs = RootSpec.parseAll(roots, layout);
        DataCheck.Report report = DataCheck.run(PairIndex.scan(specs), decode);
        System.out.print(DataCheckText.render(report, json, list));
        return report.usable() ? 0 : 1;
    }
}
