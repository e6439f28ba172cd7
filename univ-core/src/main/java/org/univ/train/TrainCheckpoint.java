package org.univ.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.univ.io.CheckpointException;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;
import org.univ.model.Parameter;

/**
 * Pre-training checkpoints: one safetensors file per save ({@code checkpoints/step-00000100.safetensors}),
 * written atomically, holding the LoRA factors ({@code lora/…}), AdamW moments ({@code opt/m/…},
 * {@code opt/v/…}) and, as metadata, the step, optimiser step count, data position and full config.
 */
public final class TrainCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCheckpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORMAT = "univ-pretrain-checkpoint-v1";

    private TrainCheckpoint() {}

    /** A loaded checkpoint; its arrays live in a sub-manager closed with it. */
    public record State(Path file, long step, long adamSteps, Map<String, NDArray> lora, Map<String, NDArray> optimizer,
                        Map<String, Long> dataPosition, PretrainConfig config, NDManager manager) implements AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }

    static Path save(Path dir, long step, Map<String, Parameter> lora, AdamW optimizer, Map<String, Long> dataPosition,
                     PretrainConfig config, int keep) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        lora.forEach((n, p) -> tensors.put("lora/" + n, p.array()));
        optimizer.state().forEach((n, a) -> tensors.put("opt/" + n, a));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(step));
        meta.put("adam_steps", Long.toString(optimizer.stepCount()));
        try {
            meta.put("data_position", JSON.writeValueAsString(dataPosition));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        meta.put("config", config.toYaml());
        Path file = dir.resolve(String.format("step-%08d.safetensors", step));
        SafeTensors.save(file, tensors, meta);
        prune(dir, keep);
        return file;
    }

    private static void prune(Path dir, int keep) {
        List<Path> all = list(dir);
        for (int i = Math.max(1, keep); i < all.size(); i++) {
            try {
                Files.deleteIfExists(all.get(i));
            } catch (IOException e) {
                LOG.warn("could not delete old checkpoint {}: {}", all.get(i), e.getMessage());
            }
        }
    }

    /** Checkpoint files of a folder, newest step first. */
    static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d+\\.safetensors"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .toList();
        } catch (IOException e) {
            throw new CheckpointException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The newest checkpoint that loads: a run folder, its {@code checkpoints/} folder, or a file. A file that
     * fails to load (say, a copy cut short) is reported and the next older one is used.
     */
    public static State loadLatest(Path runOrFile, NDManager parent) {
        List<Path> candidates;
        if (Files.isRegularFile(runOrFile)) {
            candidates = List.of(runOrFile);
        } else {
            Path dir = Files.isDirectory(runOrFile.resolve("checkpoints")) ? runOrFile.resolve("checkpoints") : runOrFile;
            candidates = list(dir);
        }
        List<String> problems = new ArrayList<>();
        for (Path file : candidates) {
            NDManager m = parent.newSubManager();
            try {
                return read(file, m);
            } catch (CheckpointException e) {
                m.close();
                LOG.warn("skipping unusable checkpoint {}: {}", file, e.getMessage());
                problems.add(e.getMessage());
            }
        }
        throw new CheckpointException("no loadable pre-training checkpoint in " + runOrFile
                + (problems.isEmpty() ? " (no step-*.safetensors files)" : ": " + problems));
    }

    private static State read(Path file, NDManager m) {
        StateDict sd = SafeTensors.load(file, m);
        Map<String, String> meta = sd.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new CheckpointException(file + " is not a UNIV pre-training checkpoint (format " + meta.get("format") + ")");
        }
        Map<String, NDArray> lora = new LinkedHashMap<>();
        Map<String, NDArray> opt = new LinkedHashMap<>();
        sd.tensors().forEach((n, a) -> {
            if (n.startsWith("lora/")) {
                lora.put(n.substring(5), a);
            } else if (n.startsWith("opt/")) {
                opt.put(n.substring(4), a);
            }
        });
        Map<String, Long> position;
        try {
            position = JSON.readValue(meta.get("data_position"), new TypeReference<LinkedHashMap<String, Long>>() {});
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(file + ": unreadable data_position metadata");
        }
        return new State(file, Long.parseLong(meta.get("step")), Long.parseLong(meta.get("adam_steps")), lora, opt,
                position, PretrainConfig.fromYaml(meta.get("config")), m);
    }

    /** The config stored in the newest checkpoint of a run (for {@code univ pretrain --resume}). */
    public static PretrainConfig storedConfig(Path run, NDManager parent) {
        try (State s = loadLatest(run, parent)) {
            return s.config();
        }
    }
}
