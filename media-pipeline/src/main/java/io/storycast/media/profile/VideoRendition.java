package io.storycast.media.profile;

import java.util.Objects;

/**
 * The video a platform wants from every story video: H.264 + AAC in MP4 with {@code moov} first and no edit
 * list, constant frame rate, closed GOPs.
 *
 * @param name               the rendition's name in URLs
 * @param width              pixels, 16 to 4096, even
 * @param height             pixels, 16 to 4096, even
 * @param framesPerSecond    the constant output frame rate, 1 to 60
 * @param gopSeconds         seconds between key frames (each GOP closed), 1 to 10
 * @param videoBitsPerSecond the H.264 target bit rate, 100000 to 50000000
 * @param audioBitsPerSecond the AAC bit rate, 32000 to 320000
 * @param maxSegmentSeconds  longest segment; a longer video is split into consecutive segments, 1 to 600
 * @param maxBytes           largest segment, bytes, or 0 for none; a segment that still outgrows it is
 *                           rejected (TOO_MANY_BYTES)
 * @param fit                how another shape becomes this frame
 * @param source             where these numbers come from
 */
public record VideoRendition(String name, int width, int height, int framesPerSecond, int gopSeconds,
                             int videoBitsPerSecond, int audioBitsPerSecond, int maxSegmentSeconds, long maxBytes,
                             Fit fit, String source) {
    /**
     * Share of a segment's byte cap its bit rates may fill: the rest is for the MP4 boxes (about 1%) and
     * the encoder overshooting its mean rate on hard scenes. Profiles are checked against it when loaded;
     * the encoder lowers the video rate to it when the audio it carries is larger than the profile says.
     */
    public static final double CAP_SHARE = 0.9;

    public VideoRendition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fit, "fit");
        ProfileChecks.requireName(name);
        ProfileChecks.requireRange(width, 16, 4096, name + ".width");
        ProfileChecks.requireRange(height, 16, 4096, name + ".height");
        if (width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException(name + " must have an even width and height for 4:2:0 video");
        }
        ProfileChecks.requireRange(framesPerSecond, 1, 60, name + ".framesPerSecond");
        ProfileChecks.requireRange(gopSeconds, 1, 10, name + ".gopSeconds");
        ProfileChecks.requireRange(videoBitsPerSecond, 100_000, 50_000_000, name + ".videoBitsPerSecond");
        ProfileChecks.requireRange(audioBitsPerSecond, 32_000, 320_000, name + ".audioBitsPerSecond");
        ProfileChecks.requireRange(maxSegmentSeconds, 1, 600, name + ".maxSegmentSeconds");
        ProfileChecks.requireRange(maxBytes, 0, Long.MAX_VALUE, name + ".maxBytes");
    }
}
