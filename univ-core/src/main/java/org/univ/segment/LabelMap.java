package org.univ.segment;

import java.util.Map;
import java.util.TreeMap;

/**
 * Mask pixel values → class ids, for masks that do not store class ids directly (e.g. binary person masks stored
 * 0/255: {@code 255:1}). Values without an entry keep their value (identity), so the default map changes nothing and
 * 255 stays the ignore index; an entry may also send a value to the ignore index ({@code 128:255}).
 */
public final class LabelMap {
    private static final LabelMap IDENTITY = new LabelMap(new TreeMap<>());
    private final TreeMap<Integer, Integer> entries;
    private final int[] table; // value → class for values 0..max key; -1 = identity

    private LabelMap(TreeMap<Integer, Integer> entries) {
        this.entries = entries;
        int max = entries.isEmpty() ? -1 : entries.lastKey();
        this.table = new int[max + 1];
        java.util.Arrays.fill(table, -1);
        entries.forEach((k, v) -> table[k] = v);
    }

    public static LabelMap identity() {
        return IDENTITY;
    }

    /** {@code FROM:TO[,FROM:TO…]}, e.g. {@code 255:1} or {@code 0:0,255:1,128:255}; empty = identity. */
    public static LabelMap parse(String spec) {
        TreeMap<Integer, Integer> m = new TreeMap<>();
        if (spec == null || spec.isBlank()) {
            return IDENTITY;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.strip().split(":");
            try {
                if (kv.length != 2) {
                    throw new NumberFormatException();
                }
                int from = Integer.parseInt(kv[0].strip());
                int to = Integer.parseInt(kv[1].strip());
                if (from < 0 || from > 65535 || to < 0 || to > 65535) {
                    throw new NumberFormatException();
                }
                if (m.put(from, to) != null) {
                    throw new IllegalArgumentException("label map '" + spec + "' maps " + from + " twice");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("label map '" + spec + "': entry '" + part.strip() + "' is not"
                        + " FROM:TO with mask values 0..65535 (e.g. 255:1 for 0/255 binary masks)");
            }
        }
        return new LabelMap(m);
    }

    /** The class (or ignore index) of a mask value. */
    public int apply(int value) {
        return value >= 0 && value < table.length && table[value] >= 0 ? table[value] : value;
    }

    public Map<Integer, Integer> entries() {
        return java.util.Collections.unmodifiableMap(entries);
    }

    public boolean isIdentity() {
        return entries.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        entries.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append(':').append(v));
        return sb.length() == 0 ? "identity" : sb.toString();
    }
}
