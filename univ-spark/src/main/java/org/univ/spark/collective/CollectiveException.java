package org.univ.spark.collective;

/** The collective (tracker, bootstrap or all-reduce) failed; the message says what and usually why. */
public class CollectiveException extends RuntimeException {
    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
