package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;

/**
 * Real test videos, made by the same FFmpeg build (no committed fixtures): H.264 (libopenh264) pictures whose
 * left half is red and right half blue with a grey box moving across (so orientation and cropping show and
 * the encoder has motion to code), and a 440 Hz tone as AAC in MP4 or as 16-bit PCM in QuickTime, muxed the
 * way FFmpeg does by default ({@code moov} at the end). {@link TestClip} makes the variants (sync marks, late
 * sound, other sample rates, non-square pixels, display matrices, HDR). Public for the benchmarks in
 * {@code bench/}.
 */
public final class TestVideos {
    /** The sound track of a test video. */
    public enum Audio { NONE, AAC, PCM }

    /** The position {@link #clipWithLocation} writes (the Eiffel tower, ISO 6709). */
    public static final String LOCATION = "+48.8584+002.2945/";

    private TestVideos() {
    }

    /**
     * @param seconds length; the clip has {@code round(seconds * fps)} pictures
     * @return an MP4 (AAC or no sound) or, for {@link Audio#PCM}, a QuickTime file, in a direct buffer the
     *         caller releases
     */
    public static ByteBuf clip(int width, int height, int fps, double seconds, Audio audio) {
        return new TestClip(width, height, fps).seconds(seconds).audio(audio).make();
    }

    /**
     * A clip like camera footage to a codec: fine texture and grain panning across the frame (about
     * 8 Mb/s at 1080x1920, 30 fps), with AAC sound. For benchmarks: the flat clips cost an encoder
     * almost nothing.
     */
    public static ByteBuf texturedClip(int width, int height, int fps, double seconds) {
        return new TestClip(width, height, fps).seconds(seconds).textured().make();
    }

    /**
     * A clip like a phone's footage: a natural-looking scene (detail at every scale, soft colour, a few hard edges)
     * under a slow hand-held pan and a faint grain, as H.264 at 16 Mb/s (a phone's rate for 1080p30), with AAC
     * sound. For benchmarks, between the flat clips and {@link #texturedClip}'s grain.
     */
    public static ByteBuf cameraClip(int width, int height, int fps, double seconds) {
        return new TestClip(width, height, fps).seconds(seconds).scene().bitRate(16_000_000).make();
    }

    /**
     * A QuickTime clip with AAC sound whose header carries a GPS position as a phone camera writes it: the
     * {@code location} key, which FFmpeg's mov muxer writes as a {@code udta/©xyz} box.
     */
    public static ByteBuf clipWithLocation(int width, int height, int fps, double seconds) {
        return new TestClip(width, height, fps).seconds(seconds).location(LOCATION).make();
    }
}
