package org.univ.train;

/** The loss became NaN or infinite: the run stops, naming the step, both terms and the last good checkpoint. */
public class NonFiniteLossException extends RuntimeException {
    public NonFiniteLossException(String message) {
        super(message);
    }
}
