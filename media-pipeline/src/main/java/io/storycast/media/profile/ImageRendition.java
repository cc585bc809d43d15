package io.storycast.media.profile;

import java.util.Objects;

/**
 * One image a platform wants from every story image.
 *
 * @param name     the rendition's name in URLs, e.g. {@code story} or {@code preview}: 1 to 32 of a-z 0-9 -
 * @param width    pixels, 16 to 4096
 * @param height   pixels, 16 to 4096
 * @param format   {@code jpeg} or {@code webp}
 * @param quality  encoder quality, 1 (smallest) to 100 (best)
 * @param fit      how another shape becomes this frame
 * @param maxBytes largest allowed output, bytes, or 0 for none; the encoder steps the quality down until the
 *                 image fits
 * @param source   where these numbers come from (a citation or "our choice: why"), for operators
 */
public record ImageRendition(String name, int width, int height, String format, int quality, Fit fit, long maxBytes,
                             String source) {
    public ImageRendition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(fit, "fit");
        ProfileChecks.requireName(name);
        ProfileChecks.requireRange(width, 16, 4096, name + ".width");
        ProfileChecks.requireRange(height, 16, 4096, name + ".height");
        ProfileChecks.requireRange(quality, 1, 100, name + ".quality");
        ProfileChecks.requireRange(maxBytes, 0, Integer.MAX_VALUE, name + ".maxBytes");
        if (!format.equals("jpeg") && !format.equals("webp")) {
            throw new IllegalArgumentException(name + ".format must be jpeg or webp, was '" + format + "'");
        }
    }
}
