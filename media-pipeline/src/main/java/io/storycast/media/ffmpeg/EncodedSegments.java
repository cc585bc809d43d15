package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVPacket;

import java.util.Objects;

/**
 * Re-encoded sound cut into one rendition's segments: the AAC packets come from the {@link AacSegmentEncoder}
 * of the rendition's format (bit rate and segment length), which encodes them once for every rendition of
 * that format; this rendition only holds them in its {@link AudioCut} until its pictures have passed them.
 * Segment boundaries are the encoder's (cut to the sample, see there); the end is this rendition's own video
 * end, to the sample.
 *
 * <p>Ownership: holds references to the packets in its cut; {@link #close()} frees them and leaves the encoder
 * (which its {@link EncodedAac} closes).
 */
final class EncodedSegments implements SegmentAudio {
    private final AacSegmentEncoder encoder;
    private final AudioCut cut;
    private final AudioCut.Writer writer;
    private final int framesPerSecond;
    /** Pictures of this rendition so far. */
    private long frames;

    /**
     * @param encoder   the encoder of the rendition's format (same bit rate and segment length); this joins it
     * @param rendition the rendition, for its frame rate
     * @param writer    where the rendition's packets go, in order
     */
    EncodedSegments(AacSegmentEncoder encoder, VideoRendition rendition, AudioCut.Writer writer) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.framesPerSecond = rendition.framesPerSecond();
        this.cut = new AudioCut(encoder.track().timeBase(), framesPerSecond);
        encoder.join(this);
    }

    @Override
    public AacAudio.Track track() {
        return encoder.track();
    }

    @Override
    public void packet(AVPacket packet) {
        throw new IllegalStateException("re-encoded sound comes from its encoder, not as packets");
    }

    @Override
    public void reached(long frames) throws MediaRejectedException {
        this.frames = frames;
        cut.reached(frames, writer);
    }

    @Override
    public void end(long frames) throws MediaRejectedException {
        this.frames = frames;
        encoder.end();
        cut.end(frames, writer);
    }

    @Override
    public boolean complete(int segment) {
        return cut.complete(segment);
    }

    /** @return where this rendition's pictures end so far, in samples from time 0 */
    long endSample() {
        return frames * encoder.sampleRate() / framesPerSecond;
    }

    /** Takes a reference to a packet of segment {@code segment} starting at sample {@code start}. */
    void add(int segment, long start, AVPacket packet) {
        cut.add(segment, start, packet);
    }

    /** Every packet before segment {@code segment} has come. */
    void advance(int segment) {
        cut.advance(segment);
    }

    /** Writes what the pictures have passed. */
    void commit() throws MediaRejectedException {
        cut.commit(writer);
    }

    @Override
    public void close() {
        encoder.leave(this);
        cut.close();
    }
}
