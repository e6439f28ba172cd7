package org.univ.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.univ.eval.CocoDetection;
import org.univ.eval.CocoEval;
import org.univ.eval.CocoGroundTruth;
import org.univ.eval.CocoResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code univ det}: object detection tools ({@code eval}; room for {@code train} and {@code predict}). */
@Command(name = "det", mixinStandardHelpOptions = true, description = "Object detection tools.",
        subcommands = {DetCommand.Eval.class})
final class DetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "COCO box evaluation (pycocotools COCOeval semantics, iouType bbox): the 12-number summary"
                    + " and AP / AP50 / AP75 per category.")
    static final class Eval implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--gt", required = true, paramLabel = "GT.json",
                description = "COCO ground truth: images, annotations (bbox [x,y,w,h], category_id, area, iscrowd),"
                        + " categories")
        Path gt;

        @Option(names = "--dt", required = true, paramLabel = "DT.json",
                description = "COCO results: a list of {image_id, category_id, bbox [x,y,w,h], score}")
        Path dt;

        @Option(names = "--json", description = "print JSON instead of the summary and table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CocoGroundTruth truth = CocoGroundTruth.read(gt);
            long t0 = System.nanoTime();
            CocoResult result;
            try {
                result = CocoEval.evaluate(truth, CocoDetection.read(dt));
            } catch (IllegalArgumentException e) {
                throw e.getMessage().startsWith(dt.toString()) ? e
                        : new IllegalArgumentException(dt + " against " + gt + ": " + e.getMessage(), e);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.toMap()));
            } else {
                var m = result.toMap();
                out.printf(Locale.ROOT, "%s images, %s categories, %s annotations, %s detections (%.2f s)%n",
                        m.get("images"), m.get("categories"), m.get("annotations"), m.get("detections"), seconds);
                out.print(result.summary());
                out.println();
                out.print(result.perClassTable());
            }
            out.flush();
            return 0;
        }
    }
}
