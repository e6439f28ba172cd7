package org.univ.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.univ.io.Checkpoints;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;
import org.univ.io.WeightBlend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code univ blend TEACHER STUDENT OUT --strength S}: the weight-space interpolation (1 − S)·teacher + S·student,
 * a student that moved only part of the way from its teacher (less IR change, more of the teacher's RGB kept).
 */
@Command(name = "blend", mixinStandardHelpOptions = true,
        description = "Interpolate two checkpoints of one architecture: (1 - S)*BASE + S*TUNED, e.g. a merged UNIV"
                + " student moved only part of the way from its RGB teacher.")
final class BlendCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BASE", description = "checkpoint at strength 0 (e.g. the teacher; .safetensors or .pth)")
    Path base;

    @Parameters(index = "1", paramLabel = "TUNED", description = "checkpoint at strength 1 (e.g. a merged student)")
    Path tuned;

    @Parameters(index = "2", paramLabel = "OUT", description = "the .safetensors file to write (replaced atomically)")
    Path out;

    @Option(names = "--strength", required = true, description = "S in [0, 1]: how far from BASE towards TUNED")
    double strength;

    @Override
    public Integer call() {
        Path target = out.toAbsolutePath().normalize();
        if (target.equals(base.toAbsolutePath().normalize()) || target.equals(tuned.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("OUT must differ from BASE and TUNED (" + out + ")");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            StateDict from = Checkpoints.read(base, manager, null);
            StateDict to = Checkpoints.read(tuned, manager, null);
            StateDict blended = WeightBlend.blend(from, base.toString(), to, tuned.toString(), strength);
            SafeTensors.save(out, blended.tensors(), blended.metadata());
            System.out.printf(Locale.ROOT, "wrote %,d tensors: %.3f x %s + %.3f x %s to %s%n", blended.size(),
                    1 - strength, base, strength, tuned, out);
        }
        return 0;
    }
}
