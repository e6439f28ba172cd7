package org.univ.data;

import java.nio.file.Path;

/** An image that cannot be used; names the file. */
public class ImageException extends RuntimeException {
    private final transient Path file;

    public ImageException(Path file, String what) {
        super(file + ": " + what);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
