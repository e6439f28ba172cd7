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

    /** Sets libtorch's intra-op threads (both cores by default). */
    public static void threads(int n) {
        ai.djl.pytorch.jni.JniUtils.setNumInteropThreads(1);
        ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
    }
}
