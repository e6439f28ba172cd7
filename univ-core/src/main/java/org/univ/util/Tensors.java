package org.univ.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Constants that are safe inside autograd.
 *
 * <p>DJL 0.35.1 (PyTorch engine) implements {@code x.mul(2f)}, {@code div(Number)}, {@code maximum(Number)} …
 * with a temporary scalar tensor over a Java direct buffer that it closes right after the op; autograd keeps
 * that scalar for the backward pass, so a garbage collection between forward and backward leaves the gradient
 * computed from freed memory (measured: 3 became 1.4e-45 or -7e9). The same holds for any tensor made with
 * {@code manager.create(float[])} whose wrapper closes before {@code backward()}. Tensors made here live in
 * libtorch-owned memory, which autograd keeps alive by itself. Use these on every path a gradient flows through.
 */
public final class Tensors {
    private Tensors() {}

    /** A 0-d constant with {@code like}'s dtype, in {@code like}'s manager, in libtorch-owned memory. */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /** {@code x · value}, safe for autograd. */
    public static NDArray mul(NDArray x, double value) {
        return x.mul(scalar(x, value));
    }

    /** {@code x / value}, safe for autograd. */
    public static NDArray div(NDArray x, double value) {
        return x.div(scalar(x, value));
    }

    /** {@code max(x, value)}, safe for autograd. */
    public static NDArray maximum(NDArray x, double value) {
        return x.maximum(scalar(x, value));
    }

    private static final ThreadLocal<java.nio.ByteBuffer> STAGING = new ThreadLocal<>();

    /**
     * A libtorch-owned tensor with these values. The bytes pass through one reused direct buffer per thread:
     * {@code manager.create(float[])} allocates a fresh direct buffer each call, which only a garbage collection
     * frees — at 100 MB a training step that let the process grow by gigabytes.
     */
    public static NDArray fromFloats(ai.djl.ndarray.NDManager manager, float[] values, Shape shape) {
        java.nio.ByteBuffer staging = staging(4L * values.length);
        staging.asFloatBuffer().put(values);
        return copyOut(manager, staging, shape, ai.djl.ndarray.types.DataType.FLOAT32);
    }

    /** As {@link #fromFloats} for INT32 values (e.g. class maps). */
    public static NDArray fromInts(ai.djl.ndarray.NDManager manager, int[] values, Shape shape) {
        java.nio.ByteBuffer staging = staging(4L * values.length);
        staging.asIntBuffer().put(values);
        return copyOut(manager, staging, shape, ai.djl.ndarray.types.DataType.INT32);
    }

    /** As {@link #fromFloats} for bytes (e.g. 0/1 masks); the result has type UINT8. */
    public static java.nio.ByteBuffer staging(long bytes) {
        java.nio.ByteBuffer b = STAGING.get();
        if (b == null || b.capacity() < bytes) {
            b = java.nio.ByteBuffer.allocateDirect((int) Math.max(bytes, b == null ? 0 : 2L * b.capacity()))
                    .order(java.nio.ByteOrder.nativeOrder());
            STAGING.set(b);
        }
        b.clear();
        b.limit((int) bytes);
        return b;
    }

    /** A libtorch-owned copy of {@code staging}'s bytes as a tensor (the staging buffer may be reused at once). */
    public static NDArray copyOut(ai.djl.ndarray.NDManager manager, java.nio.ByteBuffer staging, Shape shape,
                                  ai.djl.ndarray.types.DataType type) {
        return owned(manager.create(staging, shape, type));
    }

    /** A libtorch-owned copy of a tensor made from Java data (so autograd may keep it after its wrapper closes). */
    public static NDArray owned(NDArray fromJava) {
        NDArray copy = fromJava.duplicate();
        fromJava.close();
        return copy;
    }
}
