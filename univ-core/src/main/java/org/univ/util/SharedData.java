package org.univ.util;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Where the real data, weights and reference tensors live: system property {@code univ.shared}, else
 * environment variable {@code UNIV_SHARED}, else {@code ../shared}. Never copied into the repository.
 */
public final class SharedData {
    public static final String PROPERTY = "univ.shared";
    public static final String ENV = "UNIV_SHARED";

    private SharedData() {}

    public static Path root() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENV);
        }
        if (p == null || p.isBlank()) {
            p = "../shared";
        }
        return Paths.get(p).toAbsolutePath().normalize();
    }

    /** A file under the shared root, if it exists. */
    public static Optional<Path> find(String relative) {
        Path f = root().resolve(relative);
        return Files.exists(f) ? Optional.of(f) : Optional.empty();
    }

    /** A file under the shared root, or an error that says how to point UNIV at it. */
    public static Path require(String relative) {
        return find(relative).orElseThrow(() -> new IllegalStateException(relative + " not found under " + root()
                + ": set UNIV_SHARED (or -Duniv.shared) to the folder holding models/ and data/"));
    }

    public static Path teacherWeights() {
        return root().resolve("models/deit_tiny_patch16_224.safetensors");
    }
}
