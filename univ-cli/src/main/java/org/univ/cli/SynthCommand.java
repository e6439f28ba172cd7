package org.univ.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.univ.data.synth.SceneGenerator;
import org.univ.data.synth.SynthSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code univ data synth}: a synthetic aligned RGB/IR data set with masks and boxes (see {@link SceneGenerator}). */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Render procedural road scenes into aligned visible/infrared pairs",
                "with class masks and boxes, in the folder layout of the real data",
                "(vi/ ir/ mask/ labels/ classes.txt train.txt val.txt).",
                "The same seed gives byte-identical files."})
public final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "new or empty folder to write into")
    Path out;

    @Option(names = "--pairs", required = true, paramLabel = "N", description = "number of pairs")
    int pairs;

    @Option(names = "--seed", required = true, paramLabel = "S", description = "random seed (same seed, same files)")
    long seed;

    @Option(names = "--width", defaultValue = "160", paramLabel = "PX", description = "image width in pixels (default ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--height", defaultValue = "128", paramLabel = "PX", description = "image height in pixels (default ${DEFAULT-VALUE})")
    int height;

    @Option(names = "--night-fraction", defaultValue = "0.5", paramLabel = "F",
            description = "share of night scenes, spread evenly over the ids (default ${DEFAULT-VALUE})")
    double nightFraction;

    @Option(names = "--val-fraction", defaultValue = "0.25", paramLabel = "F",
            description = "share of ids listed in val.txt, the rest in train.txt (default ${DEFAULT-VALUE})")
    double valFraction;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        SynthSummary s;
        try {
            s = SceneGenerator.builder().optSize(width, height).optSeed(seed).optNightFraction(nightFraction)
                    .optValFraction(valFraction).build().write(out, pairs);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        spec.commandLine().getOut().printf(Locale.ROOT,
                "wrote %d pairs (%dx%d, %d day, %d night; %d train, %d val; %d boxes) to %s in %.1f s%n",
                s.ids().size(), width, height, s.ids().size() - s.night(), s.night(), s.train().size(), s.val().size(),
                s.boxes(), s.dir(), (System.nanoTime() - start) / 1e9);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
