package org.univ.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes a file so that readers see either the old complete file or the new complete file:
 * data goes to a temp file beside the target, is forced to disk, then renamed over the target.
 * A failure (full disk, kill) leaves the previous file untouched and removes the temp file.
 */
public final class AtomicFiles {
    private static volatile Consumer<Path> faultInjector;

    private AtomicFiles() {}

    /**
     * Fault injection for tests: called with the fully written temp file just before the rename; it may
     * damage the file and throw to simulate a process killed mid-write. Null (the default) does nothing.
     */
    public static void setFaultInjector(Consumer<Path> injector) {
        faultInjector = injector;
    }

    public static void write(Path target, List<ByteBuffer> chunks) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                for (ByteBuffer b : chunks) {
                    ByteBuffer d = b.duplicate();
                    while (d.hasRemaining()) {
                        ch.write(d);
                    }
                }
                ch.force(true);
            }
            // createTempFile makes the file owner-only (0600); give it the usual 0644 of a written file
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // non-POSIX file systems keep their defaults
            }
            Consumer<Path> injector = faultInjector;
            if (injector != null) {
                injector.accept(tmp);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original error is the one to report
                }
            }
            throw new CheckpointException("cannot write " + target + ": " + e
                    + " (is the disk full or the folder read-only? the previous file, if any, is unchanged)", e);
        }
    }

    public static void write(Path target, byte[] bytes) {
        write(target, List.of(ByteBuffer.wrap(bytes)));
    }
}
