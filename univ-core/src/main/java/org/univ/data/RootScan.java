package org.univ.data;

import java.util.List;

/**
 * What {@link PairIndex} found under one root, from file names alone (no image is opened).
 *
 * @param layout the layout used, null when none was found
 * @param pairs matched pairs, sorted by id (restricted to the ids file when one is given)
 * @param rgbOrphans file names in the RGB folder with no IR file of the same stem
 * @param irOrphans file names in the IR folder with no RGB file of the same stem
 * @param missingIds ids-file entries without a complete pair, with what is missing
 * @param duplicateStems stems with several files on one side (e.g. {@code a.png} and {@code a.jpg})
 * @param ignoredFiles files in the two folders that are not images (by extension) and were ignored
 * @param problems why the root is unusable; empty when it is usable
 */
public record RootScan(RootSpec spec, PairLayout layout, List<Pair> pairs, List<String> rgbOrphans,
                       List<String> irOrphans, List<String> missingIds, List<String> duplicateStems,
                       int ignoredFiles, List<String> problems) {
    public RootScan {
        pairs = List.copyOf(pairs);
        rgbOrphans = List.copyOf(rgbOrphans);
        irOrphans = List.copyOf(irOrphans);
        missingIds = List.copyOf(missingIds);
        duplicateStems = List.copyOf(duplicateStems);
        problems = List.copyOf(problems);
    }

    public boolean usable() {
        return problems.isEmpty();
    }
}
