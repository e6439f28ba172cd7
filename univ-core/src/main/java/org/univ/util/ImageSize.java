package org.univ.util;

import java.util.Locale;

/**
 * An input size as users write it: {@code 448x336} (width × height) or {@code 224} (square). One parser for every
 * config key and option that takes a size, so they all accept and refuse the same spellings.
 */
public record ImageSize(int width, int height) {

    /**
     * @param text {@code WxH} or a single side
     * @param what what is being set, for the message ({@code --size}, {@code size})
     * @throws ConfigException naming {@code what} unless both sides are positive integers
     */
    public static ImageSize parse(String text, String what) {
        String[] sides = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
        try {
            if (sides.length == 1 || sides.length == 2) {
                int w = Integer.parseInt(sides[0].trim());
                int h = sides.length == 1 ? w : Integer.parseInt(sides[1].trim());
                if (w > 0 && h > 0) {
                    return new ImageSize(w, h);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(what + " '" + text + "': expected WIDTHxHEIGHT (e.g. 448x336) or one side (224),"
                + " positive integers");
    }

    /** {@code {width, height}}. */
    public int[] toArray() {
        return new int[] {width, height};
    }

    @Override
    public String toString() {
        return width == height ? Integer.toString(width) : width + "x" + height;
    }
}
