package org.univ.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.univ.cli.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code univ report RUN_DIR}: writes {@code RUN_DIR/report.html}, one self-contained page (see {@link HtmlReport})
 * with the run's verdicts, result tables, loss curves, figures and configuration.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write RUN_DIR/report.html: one self-contained page (no scripts, nothing fetched) with the run's"
                + " verdicts and result tables (results.json), loss curves (metrics.jsonl, teacher_metrics.jsonl),"
                + " every PNG under figures/ and config.yaml. Missing pieces are left out.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "the run folder")
    Path runDir;

    @Override
    public Integer call() throws Exception {
        HtmlReport.Result r = HtmlReport.write(runDir);
        System.out.printf("wrote %s (%d %s, %d %s)%n", r.file(), r.images(), r.images() == 1 ? "picture" : "pictures",
                r.tables(), r.tables() == 1 ? "table" : "tables");
        for (String note : r.notes()) {
            System.out.println("  not shown: " + note);
        }
        return 0;
    }
}
