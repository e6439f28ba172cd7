package org.univ.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A description of a checkpoint without building a model: what {@code univ inspect} prints. */
public record CheckpointInfo(String format, Map<String, String> metadata, List<TensorInfo> tensors, List<String> notes) {

    public long numel() {
        long n = 0;
        for (TensorInfo t : tensors) {
            n += t.numel();
        }
        return n;
    }

    public static CheckpointInfo of(Path file, String key) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new CheckpointException(file + " does not exist");
        }
        if (Checkpoints.isZip(file)) {
            try (NDManager m = NDManager.newBaseManager()) {
                StateDict sd = TorchCheckpoint.read(file, m, key);
                List<TensorInfo> infos = new ArrayList<>();
                for (Map.Entry<String, NDArray> e : sd.tensors().entrySet()) {
                    infos.add(new TensorInfo(e.getKey(), e.getValue().getDataType().toString(),
                            e.getValue().getShape().getShape(), 0, 0));
                }
                return new CheckpointInfo("PyTorch zip", sd.metadata(), infos, List.of());
            }
        }
        SafeTensors.Header h = SafeTensors.readHeader(file);
        return new CheckpointInfo("safetensors", h.metadata(), h.tensors(), List.of());
    }
}
