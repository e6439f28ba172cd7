package org.univ.util;

/** A configuration that cannot run; the message names the key and what to set. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
