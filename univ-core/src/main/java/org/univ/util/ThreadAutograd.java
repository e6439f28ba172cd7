package org.univ.util;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Gradient recording for the calling thread: {@code try (ThreadAutograd g = new ThreadAutograd()) {… g.backward(loss);}}.
 *
 * <p>DJL's {@code PtGradientCollector} allows one collector per process (a static flag) although libtorch's grad mode
 * is per thread, so two training loops in one JVM — data-parallel tasks sharing a Spark executor — cannot both use
 * it. This does the same libtorch calls (grad mode on while open, backward from a ones seed, no retained graph),
 * so gradients are identical, without the process-wide flag.
 */
public final class ThreadAutograd implements AutoCloseable {
    private final boolean previous;

    public ThreadAutograd() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Accumulates d target / d x into the gradient of every leaf x that requires one. */
    public void backward(NDArray target) {
        try (NDArray seed = target.getManager().ones(target.getShape(), target.getDataType())) {
            JniUtils.backward((PtNDArray) target, (PtNDArray) seed, false, false);
        }
    }

    /** Restores the thread's previous grad mode. */
    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
