package org.univ.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** Scratch folders of tasks. */
public final class Folders {
    private Folders() {}

    /** Deletes a folder and everything in it; a failure is logged, never thrown (scratch only). */
    public static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LoggerFactory.getLogger(Folders.class).warn("could not delete the scratch folder {}: {}", dir, e.getMessage());
        }
    }
}
