package io.storycast.media.ffmpeg;

import io.storycast.media.openh264.OpenH264Library;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import java.util.Objects;

/**
 * Which OpenH264 encodes the transcoder's H.264: the one inside the FFmpeg build ({@link #bundled()}), or a
 * system {@code libopenh264} ({@link #system}, {@link #auto}). Both make the same stream from the same settings
 * ({@link VideoEncoder}). The system one is there for speed: the FFmpeg build's OpenH264 is compiled without its
 * SIMD assembly and spends 3 to 4 times the CPU per picture of Debian's {@code libopenh264-7}, which has it
 * ({@code docs/PERFORMANCE.md}).
 *
 * <p>Patents: neither is Cisco's binary release (both are built from OpenH264's source), so Cisco's H.264
 * patent licence, which covers only that binary, applies to neither; choosing one over the other does not
 * change the deployment's H.264 licensing position.
 *
 * <p>Thread-safe and immutable.
 */
public final class H264Encoders {
    private static final H264Encoders BUNDLED = new H264Encoders(null, "FFmpeg's bundled libopenh264 (no assembly)");

    private final OpenH264Library system;
    private final String description;

    private H264Encoders(OpenH264Library system, String description) {
        this.system = system;
        this.description = description;
    }

    /** @return the OpenH264 inside the FFmpeg build: always there, slower */
    public static H264Encoders bundled() {
        return BUNDLED;
    }

    /**
     * @param library soname or path of a system {@code libopenh264}, e.g. {@link OpenH264Library#DEFAULT_LIBRARY}
     * @return that library
     * @throws IllegalStateException when it cannot be loaded or is not one this binding can use; the message says why
     */
    public static H264Encoders system(String library) {
        OpenH264Library loaded = OpenH264Library.load(library);
        return new H264Encoders(loaded, "system " + loaded);
    }

    /**
     * @param library soname or path of a system {@code libopenh264}
     * @return the system library when it loads and passes {@link OpenH264Library#load}'s checks, else the
     *         bundled one, whose {@link #description()} then says why the system one was not used
     */
    public static H264Encoders auto(String library) {
        try {
            return system(library);
        } catch (IllegalStateException e) {
            return new H264Encoders(null, BUNDLED.description + "; " + e.getMessage());
        }
    }

    /** @return whether a system library encodes */
    public boolean usesSystemLibrary() {
        return system != null;
    }

    /** @return which encoder this is, for the start-up log; with {@link #auto}'s fallback, why */
    public String description() {
        return description;
    }

    /**
     * @param audioBitsPerSecond the bit rate of the segment's audio (0 for none): subtracted from the byte cap
     * @param threads            encoder threads, 1 to 16
     * @param first              the segment's first frame: its colour primaries, transfer and matrix, where
     *                           known, are written into the stream (H.264 VUI) for players
     * @return a new encoder for one segment; the caller closes it
     */
    VideoEncoder open(VideoRendition rendition, long audioBitsPerSecond, int threads, AVFrame first) {
        Objects.requireNonNull(rendition, "rendition");
        return system == null
                ? new BundledH264Encoder(rendition, audioBitsPerSecond, threads, first)
                : new SystemH264Encoder(system, rendition, audioBitsPerSecond, threads, first);
    }

    /**
     * @return the video bit rate, bits per second: the rendition's, lowered when the segment's byte cap needs it
     *         (OpenH264's target and its ceiling)
     */
    static long bitsPerSecond(VideoRendition rendition, long audioBitsPerSecond) {
        long wanted = rendition.videoBitsPerSecond();
        if (rendition.maxBytes() == 0) {
            return wanted;
        }
        long fitting = (long) (rendition.maxBytes() * 8 * VideoRendition.CAP_SHARE / rendition.maxSegmentSeconds()) - audioBitsPerSecond;
        return Math.max(100_000, Math.min(wanted, fitting));
    }

    @Override
    public String toString() {
        return description;
    }
}
