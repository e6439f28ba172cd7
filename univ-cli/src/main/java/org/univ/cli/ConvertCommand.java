package org.univ.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.univ.io.Checkpoints;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code univ convert IN.pth OUT.safetensors [--key student]}: one state dict of a PyTorch checkpoint as
 * safetensors. Writes the tensors and the metadata the checkpoint carries (which entry, epoch, args); no model
 * is built, so any architecture converts. F16/BF16 tensors are written as F32.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert one state dict of a PyTorch .pth checkpoint to a .safetensors file (tensors plus"
                + " the checkpoint's metadata; pickled code is never run).")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "a PyTorch checkpoint (torch.save zip) or a .safetensors file")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "the .safetensors file to write (replaced atomically)")
    Path out;

    @Option(names = "--key", description = "state dict inside the .pth: student, teacher, model, state_dict or a dotted"
            + " path (default: student, model, state_dict, module, else the top level)")
    String key;

    @Override
    public Integer call() {
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("OUT must be a different file than IN (" + in + ")");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            StateDict sd = Checkpoints.read(in, manager, key);
            Map<String, String> metadata = new LinkedHashMap<>(sd.metadata());
            metadata.putIfAbsent("format", "pt"); // the safetensors convention for tensors from PyTorch
            metadata.putIfAbsent("source", in.getFileName().toString());
            SafeTensors.save(out, sd.tensors(), metadata);
            String from = sd.metadata().containsKey("pth.key") ? "'" + sd.metadata().get("pth.key") + "' of " : "";
            System.out.printf(Locale.ROOT, "wrote %,d tensors (%,d values) from %s%s to %s%n", sd.size(), sd.numel(),
                    from, in, out);
            String notes = sd.metadata().get("pth.notes");
            if (notes != null) {
                for (String note : notes.split("; ")) {
                    System.out.println("  note  " + note);
                }
            }
        }
        return 0;
    }
}
