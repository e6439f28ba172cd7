package org.univ.util;

/**
 * DJL must never reach the network: offline engine (no libtorch download) and no usage tracking
 * (which otherwise calls a cloud metadata address at engine start). Call before the first DJL use.
 */
public final class Engines {
    private Engines() {}

    public static void offline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /**
     * Turns gradient recording off for the calling thread. libtorch's grad mode is per thread and on by default; DJL
     * turns it off only on the thread that starts the engine. Training code records gradients inside a scope
     * ({@link ThreadAutograd}) and updates weights in place outside it, which libtorch refuses while recording:
     * call this first on any other thread that trains (e.g. a Spark task).
     */
    public static void noGradOnThisThread() {
        ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch before the JNI call below
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    }

    /** Sets libtorch's intra-op threads (DJL reads the property at engine start; later calls set it directly). */
    public static void threads(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("threads must be > 0, got " + n);
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch before the JNI call below
        ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
    }
}
