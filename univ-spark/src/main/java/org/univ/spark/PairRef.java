package org.univ.spark;

import java.io.Serializable;
import java.nio.file.Path;
import org.univ.data.Pair;

/**
 * A {@link Pair} as Spark ships it to executors (paths as strings: {@code Path} is not serializable). The files
 * must be readable at the same paths on every executor (a shared file system).
 *
 * @param root index of the pair's root among the roots given to the job
 */
public record PairRef(int root, String id, String rootDir, String rgb, String ir) implements Serializable {
    public static PairRef of(int root, Pair p) {
        return new PairRef(root, p.id(), p.root().toString(), p.rgbPath().toString(), p.irPath().toString());
    }

    public Pair toPair() {
        return new Pair(id, Path.of(rootDir), Path.of(rgb), Path.of(ir));
    }
}
