package org.univ.io;

import java.util.Arrays;

/**
 * One tensor entry of a checkpoint header: name, stored dtype (safetensors spelling, e.g. {@code F32}),
 * shape and byte range inside the data section.
 */
public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
