package org.univ.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * One data root as the user gives it: {@code ROOT} or {@code ROOT:IDS} where IDS lists the pair ids to use, one a
 * line (stems, or file names whose image extension is dropped; blank lines and {@code #} comments ignored).
 * A relative IDS path is taken from the working directory if it exists there, else from the root
 * ({@code data/msrs:train.txt}).
 * The layout is detected unless given ({@link #withLayout}).
 *
 * @param layout null = detect
 * @param ids null = every pair under the root
 */
public record RootSpec(Path root, Path ids, PairLayout layout) {
    public RootSpec {
        if (root == null) {
            throw new IllegalArgumentException("a data root is required");
        }
        root = root.toAbsolutePath().normalize();
        ids = ids == null ? null : ids.toAbsolutePath().normalize();
    }

    public static RootSpec of(Path root) {
        return new RootSpec(root, null, null);
    }

    /** Parses {@code ROOT} or {@code ROOT:IDS}; a path that is an existing directory is never split at a colon. */
    public static RootSpec parse(String spec) {
        String s = spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty data root: give ROOT or ROOT:ids.txt");
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1 || Files.isDirectory(Paths.get(s))) {
            return of(Paths.get(s));
        }
        Path root = Paths.get(s.substring(0, colon));
        Path ids = Paths.get(s.substring(colon + 1));
        if (!ids.isAbsolute() && !Files.exists(ids)) {
            ids = root.resolve(ids); // also when it is missing there: the error then names the usual place
        }
        return new RootSpec(root, ids, null);
    }

    /** Parses each of {@code specs} and gives all the layout {@code layout} (null or absent = detect per root). */
    public static java.util.List<RootSpec> parseAll(java.util.List<String> specs, String layout) {
        PairLayout l = layout == null ? null : PairLayout.parse(layout);
        return specs.stream().map(RootSpec::parse).map(s -> l == null ? s : s.withLayout(l)).toList();
    }

    public RootSpec withLayout(PairLayout l) {
        return new RootSpec(root, ids, l);
    }

    public RootSpec withIds(Path idsFile) {
        return new RootSpec(root, idsFile, layout);
    }

    @Override
    public String toString() {
        return ids == null ? root.toString() : root + ":" + ids;
    }
}
