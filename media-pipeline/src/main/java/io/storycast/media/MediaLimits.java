package io.storycast.media;

/**
 * What an upload may be: checked before decoding (bytes, then the header's pixels and duration) and while
 * working (time).
 *
 * @param maxUploadBytes    largest upload, bytes, 1 to 2^31-1; default 104857600 (100 MiB)
 * @param maxPixels         most pixels of an image or video frame (width times height) the header may claim,
 *                          1 to 2^31-1; default 50000000 (50 MP; a 12 MP phone photo is 12000000)
 * @param maxDurationMillis longest video the header may claim, milliseconds, at least 1; default 600000
 * @param jobTimeoutMillis  longest a transcoding job may run, milliseconds, at least 1; default 60000
 */
public record MediaLimits(long maxUploadBytes, long maxPixels, long maxDurationMillis, long jobTimeoutMillis) {
    /** The documented defaults. */
    public static final MediaLimits DEFAULTS = new MediaLimits(104_857_600, 50_000_000, 600_000, 60_000);

    public MediaLimits {
        requireRange(maxUploadBytes, Integer.MAX_VALUE, "maxUploadBytes");
        requireRange(maxPixels, Integer.MAX_VALUE, "maxPixels");
        requireRange(maxDurationMillis, Long.MAX_VALUE, "maxDurationMillis");
        requireRange(jobTimeoutMillis, Long.MAX_VALUE, "jobTimeoutMillis");
    }

    private static void requireRange(long value, long max, String name) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(name + " must be 1 to " + max + ", was " + value);
        }
    }
}
