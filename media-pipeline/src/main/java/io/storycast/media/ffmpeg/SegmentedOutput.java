package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One distinct video rendition being written as consecutive MP4 segments of at most
 * {@code maxSegmentSeconds} each, as the apps split a long story video. Segment {@code k} holds the
 * rendition's frames {@code k*F*S} to {@code (k+1)*F*S - 1} (F frames per second, S seconds), which show the
 * source's time {@code [k*S, (k+1)*S)}, and the sound of that same time, cut by its {@link SegmentAudio}; each
 * segment has its own H.264 encoder (so it starts on an IDR picture) and its own muxer, and both tracks of
 * each segment start at timestamp 0, at the same instant of the source.
 *
 * <p>Audio and video arrive in the source's interleaving, which may run either ahead: sound is held by the
 * {@link SegmentAudio} until the pictures have passed it (and written into its segment then), and a
 * segment whose video is done stays open until its sound is all written.
 *
 * <p>Ownership: every encoder, muxer, the audio cutter and finished segment is this object's until
 * {@link #take()} hands the finished segments over; {@link #close()} frees the rest.
 */
final class SegmentedOutput implements AutoCloseable {
    /** A finished segment: its MP4 bytes (the holder releases them) and its video's duration. */
    record Segment(ByteBuf bytes, long durationMillis) {
    }

    private static final class Open {
        final int index;
        final Mp4Muxer muxer;
        VideoEncoder encoder;
        long frames;

        Open(int index, VideoEncoder encoder, Mp4Muxer muxer) {
            this.index = index;
            this.encoder = encoder;
            this.muxer = muxer;
        }
    }

    private final VideoRendition rendition;
    private final SegmentAudio audio;
    private final ByteBufAllocator allocator;
    private final int threads;
    private final H264Encoders encoders;
    private final long framesPerSegment;
    private final TreeMap<Integer, Open> open = new TreeMap<>();
    private final TreeMap<Integer, Segment> finished = new TreeMap<>();
    private final AudioCut.Writer audioWriter = this::writeAudio;
    private int videoSegment = -1;
    /** Pictures written so far, from the start of the video. */
    private long frames;

    /**
     * @param sound   the job's sound, which every segment carries (this output owns and closes its cut of it,
     *                {@link AacAudio#segments}), or null for silent segments
     * @param threads  H.264 encoder threads
     * @param encoders which OpenH264 encodes
     */
    SegmentedOutput(VideoRendition rendition, AacAudio sound, ByteBufAllocator allocator, int threads, H264Encoders encoders) {
        this.rendition = Objects.requireNonNull(rendition, "rendition");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.threads = threads;
        this.encoders = Objects.requireNonNull(encoders, "encoders");
        this.framesPerSegment = (long) rendition.framesPerSecond() * rendition.maxSegmentSeconds();
        this.audio = sound == null ? null : sound.segments(rendition, audioWriter);
    }

    /** @param frame the rendition's next frame, {@code pts} its frame number from 0; not consumed */
    void video(AVFrame frame) throws MediaRejectedException {
        long number = frame.pts();
        if (number < 0 || number / framesPerSegment < videoSegment) {
            return; // before the start, or out of order: the fps filter makes neither
        }
        int index = (int) (number / framesPerSegment);
        if (index != videoSegment) {
            if (videoSegment >= 0) {
                endVideo(open.get(videoSegment));
            }
            videoSegment = index;
            start(index, frame);
        }
        Open segment = open.get(index);
        frame.pts(number - index * framesPerSegment);
        AVRational timeBase = segment.encoder.timeBase();
        segment.encoder.encode(frame, packet -> segment.muxer.write(Mp4Muxer.VIDEO, packet, timeBase));
        segment.frames++;
        frames = number + 1;
        if (audio != null) {
            audio.reached(frames);
        }
        closeFinished();
    }

    /** @param packet a copied AAC packet of the source, in order; not consumed */
    void audioPacket(AVPacket packet) throws MediaRejectedException {
        if (audio != null) {
            audio.packet(packet);
            closeFinished();
        }
    }

    /** Re-encoded sound was handed to this output's cut ({@link AacAudio#encode}): finishes what it completed. */
    void audioEncoded() throws MediaRejectedException {
        if (audio != null) {
            closeFinished();
        }
    }

    /** Sound for a segment that has no picture (it lies past the video's last) is dropped. */
    private void writeAudio(int segment, AVPacket packet, AVRational timeBase) throws MediaRejectedException {
        Open target = open.get(segment);
        if (target != null) {
            target.muxer.write(Mp4Muxer.AUDIO, packet, timeBase);
        }
    }

    private void start(int index, AVFrame first) throws MediaRejectedException {
        long maxBytes = rendition.maxBytes() > 0 ? rendition.maxBytes() : Integer.MAX_VALUE;
        VideoEncoder encoder = encoders.open(rendition, audio == null ? 0 : audio.track().bitsPerSecond(), threads, first);
        Mp4Muxer muxer;
        try {
            muxer = new Mp4Muxer(allocator, maxBytes, encoder.parameters(), encoder.timeBase(), audio == null ? null : audio.track());
        } catch (MediaRejectedException | RuntimeException | Error e) {
            encoder.close();
            throw e;
        }
        open.put(index, new Open(index, encoder, muxer));
    }

    private void endVideo(Open segment) throws MediaRejectedException {
        AVRational timeBase = segment.encoder.timeBase();
        segment.encoder.encode(null, packet -> segment.muxer.write(Mp4Muxer.VIDEO, packet, timeBase));
        segment.encoder.close();
        segment.encoder = null;
    }

    /** Finishes the segments whose video is done and whose sound is all written. */
    private void closeFinished() throws MediaRejectedException {
        while (!open.isEmpty()) {
            Open first = open.firstEntry().getValue();
            if (first.encoder != null || (audio != null && !audio.complete(first.index))) {
                return;
            }
            finish(first);
        }
    }

    private void finish(Open segment) throws MediaRejectedException {
        open.remove(segment.index);
        try {
            if (segment.encoder != null) {
                endVideo(segment);
            }
            ByteBuf bytes = segment.muxer.finish();
            finished.put(segment.index, new Segment(bytes, segment.frames * 1000 / rendition.framesPerSecond()));
        } finally {
            if (segment.encoder != null) {
                segment.encoder.close();
            }
            segment.muxer.close();
        }
    }

    /**
     * The source has ended: writes the last segment's remaining pictures, so that the sound written at its end
     * ({@link #take()}, which calls this too) interleaves after them. The job calls it on every output before
     * taking any, since sound shared between outputs is ended for all at once.
     */
    void endPictures() throws MediaRejectedException {
        if (videoSegment >= 0 && open.get(videoSegment) != null && open.get(videoSegment).encoder != null) {
            endVideo(open.get(videoSegment));
        }
    }

    /**
     * Ends every segment, at the end of the source: the sound up to the last picture's end is written.
     *
     * @return the segments in order, none when no frame came; the caller releases each one's bytes
     */
    List<Segment> take() throws MediaRejectedException {
        if (audio != null && frames > 0) {
            endPictures();
            audio.end(frames);
        }
        while (!open.isEmpty()) {
            finish(open.firstEntry().getValue());
        }
        List<Segment> segments = new ArrayList<>(finished.values());
        finished.clear();
        return segments;
    }

    @Override
    public void close() {
        for (Open segment : open.values()) {
            if (segment.encoder != null) {
                segment.encoder.close();
            }
            segment.muxer.close();
        }
        open.clear();
        for (Map.Entry<Integer, Segment> segment : finished.entrySet()) {
            segment.getValue().bytes().release();
        }
        finished.clear();
        if (audio != null) {
            audio.close();
        }
    }
}
