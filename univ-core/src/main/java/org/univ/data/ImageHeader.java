package org.univ.data;

/** Size and pixel format of an image file, read without decoding its pixels where the decoder allows. */
public record ImageHeader(int width, int height, ImageFormat format) {
    public String size() {
        return width + "×" + height;
    }
}
