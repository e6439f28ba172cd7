package org.univ.io;

/** A checkpoint file that cannot be used: the message names the file, what is wrong and the fix. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
