package org.univ;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.univ.util.SharedData;

/** Test access to ../shared: a test that needs a file is skipped, with the reason, when it is absent. */
public final class Shared {
    private Shared() {}

    public static Path require(String relative) {
        Path p = SharedData.root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "skipped: " + p + " not present (set UNIV_SHARED or -Duniv.shared to the"
                + " shared data folder; CI has it)");
        return p;
    }
}
