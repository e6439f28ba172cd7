package org.univ.data;

/** Data that cannot be used as given (a missing root, an ids file naming absent pairs, too few readable pairs…). */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
