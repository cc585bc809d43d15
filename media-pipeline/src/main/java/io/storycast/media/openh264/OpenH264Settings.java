package io.storycast.media.openh264;

/**
 * What an {@link OpenH264Encoder} makes: one spatial and one temporal layer of constrained-baseline H.264
 * (CAVLC), in OpenH264's bit-rate mode without frame skipping, so every picture in is one picture out.
 *
 * @param width              picture width in pixels, even, 16 to 4096 (OpenH264 refuses pictures of more than
 *                           9,437,184 pixels, such as 4096x4096, when the encoder is made)
 * @param height             picture height in pixels, even, 16 to 4096
 * @param framesPerSecond    the constant frame rate, 1 to 240
 * @param bitsPerSecond      the target bit rate, bits per second, 1 to {@link Integer#MAX_VALUE}
 * @param maxBitsPerSecond   the bit rate ceiling, bits per second, at least {@code bitsPerSecond}
 * @param intraPeriodFrames  an IDR picture every this many pictures, 1 to 100,000 (the first is always one)
 * @param threads            encoder threads, each with a slice of the picture, 1 to 16
 * @param colourPrimaries    H.264 VUI {@code colour_primaries} (ITU-T H.273), 0 to 255; {@link #UNSPECIFIED} to leave out
 * @param transfer           H.264 VUI {@code transfer_characteristics}, 0 to 255; {@link #UNSPECIFIED} to leave out
 * @param matrix             H.264 VUI {@code matrix_coefficients}, 0 to 255; {@link #UNSPECIFIED} to leave out
 */
public record OpenH264Settings(int width, int height, int framesPerSecond, int bitsPerSecond, int maxBitsPerSecond,
                               int intraPeriodFrames, int threads, int colourPrimaries, int transfer, int matrix) {
    /** The H.273 code for "unspecified", shared by the three colour fields. */
    public static final int UNSPECIFIED = 2;

    public OpenH264Settings {
        check("width", width, 16, 4096);
        check("height", height, 16, 4096);
        if (width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("4:2:0 needs an even width and height, was " + width + "x" + height);
        }
        check("framesPerSecond", framesPerSecond, 1, 240);
        check("bitsPerSecond", bitsPerSecond, 1, Integer.MAX_VALUE);
        check("maxBitsPerSecond", maxBitsPerSecond, bitsPerSecond, Integer.MAX_VALUE);
        check("intraPeriodFrames", intraPeriodFrames, 1, 100_000);
        check("threads", threads, 1, 16);
        check("colourPrimaries", colourPrimaries, 0, 255);
        check("transfer", transfer, 0, 255);
        check("matrix", matrix, 0, 255);
    }

    /** @return whether any colour field is given, and the VUI carries a colour description */
    boolean describesColour() {
        return colourPrimaries != UNSPECIFIED || transfer != UNSPECIFIED || matrix != UNSPECIFIED;
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ", was " + value);
        }
    }
}
