package org.univ.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.univ.data.PairIndex;
import org.univ.eval.AlignmentEvaluation;
import org.univ.eval.AlignmentMetrics;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.util.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code univ eval}: evaluations of backbones. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate backbones.",
        subcommands = {EvalCommand.Align.class})
final class EvalCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "align", mixinStandardHelpOptions = true,
            description = "Cross-modal alignment on held-out pairs: teacher-on-IR and student-on-IR (and student-on-RGB)"
                    + " against teacher-on-RGB anchors and attention pseudo-labels.")
    static final class Align implements Callable<Integer> {
        @Option(names = "--teacher", required = true, description = "RGB teacher checkpoint") Path teacher;
        @Option(names = "--student", description = "UNIV student checkpoint (merged)") Path student;
        @Option(names = "--data", required = true, arity = "1..*", description = "ROOT or ROOT:ids.txt (repeatable)")
        List<String> data;
        @Option(names = "--size", defaultValue = "112", description = "square eval side (default ${DEFAULT-VALUE})") int size;
        @Option(names = "--batch", defaultValue = "16") int batch;
        @Option(names = "--threads", defaultValue = "2") int threads;
        @Option(names = "--json", description = "print JSON instead of a table") boolean json;

        @Override
        public Integer call() throws Exception {
            Engines.threads(threads);
            PairIndex index = PairIndex.open(data.toArray(String[]::new));
            long t0 = System.nanoTime();
            Map<String, AlignmentMetrics> result;
            try (NDManager m = NDManager.newBaseManager();
                 Backbone t = Backbones.load(teacher, m, true);
                 Backbone s = student == null ? null : Backbones.load(student, m, true)) {
                result = AlignmentEvaluation.run(t, s, index, size, batch, 2, m);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("pairs", index.size());
                out.put("size", size);
                result.forEach((k, v) -> out.put(k, v.toMap()));
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
                return 0;
            }
            System.out.printf(Locale.ROOT, "%d pairs at %d px (%.1f s); anchors and pseudo-labels: teacher on RGB%n",
                    index.size(), size, seconds);
            System.out.printf(Locale.ROOT, "%-16s %10s %14s %10s %10s %12s %12s%n", "queries", "PCCL", "positives-mAP",
                    "top-1", "3x3", "cos co-loc", "cos other");
            result.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-16s %10.4f %14.4f %10.4f %10.4f %12.4f %12.4f%n",
                    k, v.pccl(), v.positivesMap(), v.top1(), v.neighbourhood3x3(), v.colocatedCosine(), v.otherCosine()));
            return 0;
        }
    }
}
