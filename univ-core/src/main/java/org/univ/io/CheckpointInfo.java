package org.univ.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A description of a checkpoint without building a model or loading tensor data: what {@code univ inspect}
 * prints. For a PyTorch checkpoint, {@code notes} list its top-level entries (state dicts, placeholders of
 * pickled objects such as {@code argparse.Namespace}, scalars) and {@code tensors} are the chosen state dict's.
 */
public record CheckpointInfo(String format, Map<String, String> metadata, List<TensorInfo> tensors, List<String> notes) {

    public long numel() {
        long n = 0;
        for (TensorInfo t : tensors) {
            n += t.numel();
        }
        return n;
    }

    /** @param key for .pth files: which state dict to list (null: the one {@link TorchCheckpoint#read} picks) */
    public static CheckpointInfo of(Path file, String key) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new CheckpointException(file + " does not exist");
        }
        if (Checkpoints.isTorch(file)) {
            return TorchCheckpoint.info(file, key);
        }
        SafeTensors.Header h = SafeTensors.readHeader(file);
        return new CheckpointInfo("safetensors", h.metadata(), h.tensors(), List.of());
    }
}
