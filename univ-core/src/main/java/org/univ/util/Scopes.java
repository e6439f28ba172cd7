package org.univ.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Runs a computation in its own {@link NDScope} so that its temporaries close at once, and hands the results to
 * the caller's scope. DJL's {@code NDScope.unregister} only removes an array from the innermost scope, so a result
 * kept that way would otherwise escape every enclosing scope and live as long as its manager.
 */
public final class Scopes {
    private Scopes() {}

    /** The array {@code body} returns survives; everything else it creates is closed. */
    public static NDArray keep(Supplier<NDArray> body) {
        NDArray result;
        try (NDScope temporaries = new NDScope()) {
            result = body.get();
            NDScope.unregister(result);
        }
        NDScope.register(result); // no-op when the caller has no scope
        return result;
    }

    /** As {@link #keep(Supplier)} for several arrays. */
    public static NDList keepAll(Supplier<NDList> body) {
        NDList result;
        try (NDScope temporaries = new NDScope()) {
            result = body.get();
            NDScope.unregister(result);
        }
        for (NDArray a : result) {
            NDScope.register(a);
        }
        return result;
    }
}
