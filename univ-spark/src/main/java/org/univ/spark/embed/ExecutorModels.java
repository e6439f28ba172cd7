package org.univ.spark.embed;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.univ.model.Backbone;
import org.univ.model.Backbones;

/**
 * One model per executor JVM: tasks are threads of the executor, and loading a backbone per task (or per
 * partition) would cost its memory and load time each time. Models are keyed by file, size and modification
 * time, loaded once, kept for the JVM's life and shared by concurrent tasks (inference only: the weights are
 * read, every forward's temporaries live in the calling task's scope).
 */
public final class ExecutorModels {
    private static final Map<String, Backbone> MODELS = new ConcurrentHashMap<>();
    private static final NDManager MANAGER = NDManager.newBaseManager(); // lives as long as the executor

    private ExecutorModels() {}

    public static Backbone get(Path weights, String key) {
        String id;
        try {
            id = weights.toAbsolutePath() + "|" + key + "|" + Files.size(weights) + "|" + Files.getLastModifiedTime(weights);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the weights " + weights + " on this executor (" + e.getMessage()
                    + "): they must be on storage every executor reaches at the same path", e);
        }
        return MODELS.computeIfAbsent(id, k -> {
            Backbone b = Backbones.load(weights, MANAGER, true, key);
            b.module().setTrainable(false);
            b.module().setTraining(false);
            return b;
        });
    }

    /** Models currently held (for tests). */
    static int loaded() {
        return MODELS.size();
    }
}
