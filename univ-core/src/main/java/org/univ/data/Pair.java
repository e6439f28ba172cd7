package org.univ.data;

import java.nio.file.Path;

/** One aligned visible/infrared pair: its file stem, the root it came from, and the two files. */
public record Pair(String id, Path root, Path rgbPath, Path irPath) {
    @Override
    public String toString() {
        return root.getFileName() + "/" + id;
    }
}
