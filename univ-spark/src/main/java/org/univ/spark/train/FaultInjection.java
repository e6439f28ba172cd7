package org.univ.spark.train;

import java.io.Serializable;

/**
 * Test-only fault injection: the task of partition {@code partition} throws {@link InjectedFault} right after
 * finishing step {@code step}, in the first attempt only — the run must then resume from its last checkpoint.
 */
public record FaultInjection(int partition, long step) implements Serializable {
    /** Parses {@code PARTITION:STEP} (the hidden {@code --inject-failure} option). */
    public static FaultInjection parse(String s) {
        String[] parts = s.split(":");
        try {
            if (parts.length == 2) {
                return new FaultInjection(Integer.parseInt(parts[0].trim()), Long.parseLong(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // message below
        }
        throw new IllegalArgumentException("fault injection '" + s + "': expected PARTITION:STEP, e.g. 1:7");
    }

    boolean firesAt(int attempt, int partitionIndex, long finishedStep) {
        return attempt == 0 && partitionIndex == partition && finishedStep == step;
    }

    /** What the injected fault throws. */
    public static final class InjectedFault extends RuntimeException {
        InjectedFault(int partition, long step) {
            super("injected fault: task " + partition + " killed after step " + step + " (test-only --inject-failure)");
        }
    }
}
