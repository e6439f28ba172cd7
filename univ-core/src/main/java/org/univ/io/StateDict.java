package org.univ.io;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Named tensors plus string metadata, in file order: what a checkpoint holds.
 * The arrays belong to the NDManager they were created in; this object does not close them.
 */
public final class StateDict {
    private final Map<String, NDArray> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public StateDict put(String name, NDArray array) {
        tensors.put(name, array);
        return this;
    }

    public NDArray get(String name) {
        return tensors.get(name);
    }

    /** The tensor, or an error naming the missing key. */
    public NDArray require(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new CheckpointException("tensor '" + name + "' is missing (have " + tensors.size() + " tensors)");
        }
        return a;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    public Map<String, NDArray> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public int size() {
        return tensors.size();
    }

    /** Total number of values over all tensors. */
    public long numel() {
        long n = 0;
        for (NDArray a : tensors.values()) {
            n += a.size();
        }
        return n;
    }
}
