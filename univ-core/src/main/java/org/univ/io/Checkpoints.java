package org.univ.io;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads any supported checkpoint file into a {@link StateDict}: safetensors, or a PyTorch {@code torch.save} zip. */
public final class Checkpoints {
    private Checkpoints() {}

    /**
     * @param key for .pth files: which state dict to take ({@code student}, {@code teacher}, {@code model},
     *            {@code state_dict}, or a dotted path); null picks one automatically (see
     *            {@link TorchCheckpoint#read}). Ignored for safetensors.
     */
    public static StateDict read(Path file, NDManager manager, String key) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("checkpoint " + file + " does not exist (check the path or set UNIV_SHARED)");
        }
        if (isTorch(file)) {
            return TorchCheckpoint.read(file, manager, key);
        }
        return SafeTensors.load(file, manager);
    }

    /** A torch.save file: a zip archive, or the legacy pickle format (which gets a clear "re-save" error). */
    static boolean isTorch(Path file) {
        return isZip(file) || TorchCheckpoint.isLegacyFormat(file);
    }

    /** PyTorch ≥ 1.6 saves zip archives; safetensors files start with a little-endian length instead. */
    static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
