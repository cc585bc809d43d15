package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_ref;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

/**
 * One distinct video rendition being written as consecutive MP4 segments of at most
 * {@code maxSegmentSeconds} each, as the apps split a long story video. Segment {@code k} holds the
 * rendition's frames {@code k*F*S} to {@code (k+1)*F*S - 1} (F frames per second, S seconds) and the audio
 * packets that start in that time; each segment has its own H.264 encoder (so it starts on an IDR
 * picture) and its own muxer, and each track of each segment starts at timestamp 0.
 *
 * <p>Audio and video arrive in the source's interleaving, which may run either ahead: audio for a segment
 * whose video has not begun waits in a queue (packet references, no copy), and a segment whose video is
 * done stays open until the audio has passed its end.
 *
 * <p>Ownership: every encoder, muxer, queued packet and finished segment is this object's until
 * {@link #take()} hands the finished segments over; {@link #close()} frees the rest.
 */
final class SegmentedOutput implements AutoCloseable {
    /** A finished segment: its MP4 bytes (the holder releases them) and its video's duration. */
    record Segment(ByteBuf bytes, long durationMillis) {
    }

    private static final class Open {
        final int index;
        final Mp4Muxer muxer;
        H264Encoder encoder;
        long frames;
        long audioOrigin = AV_NOPTS_VALUE;
        long lastAudioDts = Long.MIN_VALUE;

        Open(int index, H264Encoder encoder, Mp4Muxer muxer) {
            this.index = index;
            this.encoder = encoder;
            this.muxer = muxer;
        }
    }

    private final VideoRendition rendition;
    private final AacAudio.Track audio;
    private final ByteBufAllocator allocator;
    private final int threads;
    private final long framesPerSegment;
    private final double videoEndSeconds;
    private final TreeMap<Integer, Open> open = new TreeMap<>();
    private final TreeMap<Integer, Segment> finished = new TreeMap<>();
    private final ArrayDeque<AVPacket> pendingAudio = new ArrayDeque<>();
    private final AVPacket scratch = av_packet_alloc();
    private int videoSegment = -1;
    private int audioSegment = -1;

    /**
     * @param audio           the AAC track every segment carries, or null for silent segments
     * @param videoEndSeconds where the source's video ends by its header (audio past it is dropped), or
     *                        {@link Double#POSITIVE_INFINITY} when unknown
     * @param threads         H.264 encoder threads
     */
    SegmentedOutput(VideoRendition rendition, AacAudio.Track audio, ByteBufAllocator allocator, double videoEndSeconds, int threads) {
        this.rendition = Objects.requireNonNull(rendition, "rendition");
        this.audio = audio;
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.videoEndSeconds = videoEndSeconds;
        this.threads = threads;
        this.framesPerSegment = (long) rendition.framesPerSecond() * rendition.maxSegmentSeconds();
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
            start(index);
            closeFinished();
        }
        Open segment = open.get(index);
        frame.pts(number - index * framesPerSegment);
        AVRational timeBase = segment.encoder.context().time_base();
        segment.encoder.encode(frame, packet -> segment.muxer.write(Mp4Muxer.VIDEO, packet, timeBase));
        segment.frames++;
    }

    /** @param packet an AAC packet of the track, timestamps in {@code timeBase}; not consumed */
    void audio(AVPacket packet, AVRational timeBase) throws MediaRejectedException {
        if (audio == null || packet.pts() == AV_NOPTS_VALUE) {
            return;
        }
        int index = segmentOf(packet, timeBase);
        if (index < 0) {
            return;
        }
        audioSegment = Math.max(audioSegment, index);
        closeFinished();
        Open segment = open.get(index);
        if (segment != null) {
            writeAudio(segment, packet, timeBase);
        } else if (index > videoSegment) {
            pendingAudio.add(av_packet_clone(packet)); // a reference: the data is not copied
        }
    }

    /** @return the segment a packet starts in, or -1 when it starts past the video's end */
    private int segmentOf(AVPacket packet, AVRational timeBase) {
        double seconds = (double) packet.pts() * timeBase.num() / timeBase.den();
        if (seconds >= videoEndSeconds) {
            return -1;
        }
        return (int) Math.max(0, Math.floor(seconds / rendition.maxSegmentSeconds()));
    }

    private void start(int index) throws MediaRejectedException {
        long maxBytes = rendition.maxBytes() > 0 ? rendition.maxBytes() : Integer.MAX_VALUE;
        H264Encoder encoder = new H264Encoder(rendition, audio == null ? 0 : audio.bitsPerSecond(), threads);
        Mp4Muxer muxer;
        try {
            muxer = new Mp4Muxer(allocator, maxBytes, encoder.context(), audio);
        } catch (MediaRejectedException | RuntimeException | Error e) {
            encoder.close();
            throw e;
        }
        Open segment = new Open(index, encoder, muxer);
        open.put(index, segment);
        for (Iterator<AVPacket> queued = pendingAudio.iterator(); queued.hasNext(); ) {
            AVPacket packet = queued.next();
            int at = segmentOf(packet, audio.timeBase());
            if (at <= index) {
                if (at == index) {
                    writeAudio(segment, packet, audio.timeBase());
                }
                queued.remove();
                av_packet_free(packet);
            }
        }
    }

    private void writeAudio(Open segment, AVPacket packet, AVRational timeBase) throws MediaRejectedException {
        check(av_packet_ref(scratch, packet));
        try {
            if (segment.audioOrigin == AV_NOPTS_VALUE) {
                segment.audioOrigin = scratch.pts();
            }
            scratch.pts(scratch.pts() - segment.audioOrigin);
            scratch.dts(scratch.dts() == AV_NOPTS_VALUE ? scratch.pts() : scratch.dts() - segment.audioOrigin);
            if (scratch.dts() < 0 || scratch.dts() <= segment.lastAudioDts) {
                return; // out of order in the source: the muxer would refuse the whole file for it
            }
            segment.lastAudioDts = scratch.dts();
            segment.muxer.write(Mp4Muxer.AUDIO, scratch, timeBase);
        } finally {
            av_packet_unref(scratch);
        }
    }

    private void endVideo(Open segment) throws MediaRejectedException {
        AVRational timeBase = segment.encoder.context().time_base();
        segment.encoder.encode(null, packet -> segment.muxer.write(Mp4Muxer.VIDEO, packet, timeBase));
        segment.encoder.close();
        segment.encoder = null;
    }

    /** Finishes the segments whose video is done and whose audio has passed their end. */
    private void closeFinished() throws MediaRejectedException {
        while (!open.isEmpty()) {
            Open first = open.firstEntry().getValue();
            if (first.encoder != null || (audio != null && first.index >= audioSegment)) {
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
     * Ends every segment, at the end of the source.
     *
     * @return the segments in order, none when no frame came; the caller releases each one's bytes
     */
    List<Segment> take() throws MediaRejectedException {
        while (!open.isEmpty()) {
            finish(open.firstEntry().getValue());
        }
        List<Segment> segments = new ArrayList<>(finished.values());
        finished.clear();
        return segments;
    }

    private static void check(int result) {
        if (result < 0) {
            throw new OutOfMemoryError("cannot reference an audio packet: " + FfmpegErrors.describe(result));
        }
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
        pendingAudio.forEach(packet -> av_packet_free(packet));
        pendingAudio.clear();
        av_packet_free(scratch);
    }
}
