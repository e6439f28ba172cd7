package org.univ.data;

import java.nio.file.Path;

/** An image that cannot be used; names the file. */
public class ImageException extends DataException {
    private final transient Path file;
    private final String what;

    public ImageException(Path file, String what) {
        this(file, what, null);
    }

    public ImageException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
        this.file = file;
        this.what = what;
    }

    public Path file() {
        return file;
    }

    /** The problem without the file name (e.g. the decoder's message). */
    public String what() {
        return what;
    }
}
