package org.univ.data;

import java.nio.file.Path;

/** A pair left out because one of its files could not be decoded ({@code skipBad}). */
public record BadPair(Pair pair, Path file, String message) {
    @Override
    public String toString() {
        return pair + ": " + file + ": " + message;
    }
}
