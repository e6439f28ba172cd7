package org.univ.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.univ.io.CheckpointInfo;
import org.univ.io.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code univ inspect FILE}: tensors, shapes, dtypes, parameter count and metadata of a checkpoint. For a .pth,
 * the notes list its top-level entries (state dicts, pickled objects as placeholders, scalars) and the tensors
 * are those of the state dict {@code --key} (or the default one) names; tensor data is not loaded.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "List the tensors (name, dtype, shape), parameter count and metadata of a checkpoint.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "a .safetensors or PyTorch .pth file")
    Path file;

    @Option(names = "--key", description = "state dict inside a .pth (student, teacher, model, state_dict or a dotted path)")
    String key;

    @Option(names = "--max", defaultValue = "1000000", description = "list at most this many tensors")
    int max;

    @Override
    public Integer call() {
        CheckpointInfo info = CheckpointInfo.of(file, key);
        System.out.println(file + "  (" + info.format() + ")");
        for (Map.Entry<String, String> e : info.metadata().entrySet()) {
            System.out.println("  meta  " + e.getKey() + " = " + e.getValue());
        }
        for (String note : info.notes()) {
            System.out.println("  note  " + note);
        }
        int shown = 0;
        for (TensorInfo t : info.tensors()) {
            if (shown++ >= max) {
                System.out.println("  … " + (info.tensors().size() - max) + " more");
                break;
            }
            System.out.printf(Locale.ROOT, "  %-48s %-5s %-22s %,12d%n", t.name(), t.dtype(), t.shapeString(), t.numel());
        }
        System.out.printf(Locale.ROOT, "%,d tensors, %,d parameters%n", info.tensors().size(), info.numel());
        return 0;
    }
}
