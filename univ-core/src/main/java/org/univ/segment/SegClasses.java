package org.univ.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.univ.data.DataException;

/**
 * The class names of a segmentation task, in class-id order (id = index).
 *
 * @param names K names, class ids {@code 0..K-1}
 */
public record SegClasses(List<String> names) {
    public SegClasses {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("a segmentation task needs at least one class name");
        }
        names = List.copyOf(names);
        for (String n : names) {
            if (n.isBlank()) {
                throw new IllegalArgumentException("class names must not be blank: " + names);
            }
        }
    }

    /** Names separated by commas, e.g. {@code background,person}. */
    public static SegClasses parse(String commaSeparated) {
        return new SegClasses(Arrays.stream(commaSeparated.split(",")).map(String::strip).toList());
    }

    /**
     * A class file: one class a line, either {@code "<id> <name>"} (ids 0..K-1, any order, as {@code univ data synth}
     * writes {@code classes.txt}) or just {@code "<name>"} (the line order gives the ids). Blank lines and {@code #}
     * comments are skipped.
     */
    public static SegClasses read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new DataException("cannot read class file " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new DataException("class file " + file + " lists no classes (one '<id> <name>' or '<name>' a line)");
        }
        boolean withIds = lines.stream().allMatch(l -> l.matches("\\d+\\s+\\S.*"));
        if (!withIds) {
            return new SegClasses(lines);
        }
        TreeMap<Integer, String> byId = new TreeMap<>();
        for (String l : lines) {
            String[] parts = l.split("\\s+", 2);
            int id = Integer.parseInt(parts[0]);
            if (byId.put(id, parts[1].strip()) != null) {
                throw new DataException("class file " + file + " lists id " + id + " twice");
            }
        }
        List<String> names = new ArrayList<>(byId.values());
        if (byId.firstKey() != 0 || byId.lastKey() != names.size() - 1) {
            throw new DataException("class file " + file + " has ids " + byId.keySet() + "; class ids must be 0.."
                    + (names.size() - 1) + " without gaps (remap the masks with a label map)");
        }
        return new SegClasses(names);
    }

    public int size() {
        return names.size();
    }

    public String name(int id) {
        return names.get(id);
    }

    public String[] toArray() {
        return names.toArray(String[]::new);
    }
}
