package org.univ.io;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;

/** PyTorch {@code torch.save} zip archives (see issue 8: the safe pickle reader replaces this). */
public final class TorchCheckpoint {
    private TorchCheckpoint() {}

    public static StateDict read(Path file, NDManager manager, String key) {
        throw new CheckpointException(file + ": PyTorch .pth checkpoints are not supported yet;"
                + " convert to safetensors with safetensors.torch.save_file");
    }
}
