package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_drain;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_samples_set_silence;

/**
 * Decoded sound encoded into AAC segments of one format (a bit rate and a segment length) once, however many
 * renditions carry that format: every packet goes to each of them ({@link EncodedSegments}, which cut it
 * against their own pictures). Cut to the sample: each segment has an AAC encoder of its own, fed exactly its
 * own samples. A fresh encoder's first packet (its "priming", {@link AacEncoder#primingSamples()}, 1024
 * samples) decodes to silence, and without an edit list a player plays it: so it is put where the segment's
 * first 1024 samples would be, and the encoder is fed from the 1025th on. Every segment thus starts at time 0
 * in step with its video, to the sample, with 21 ms of silence (at 48 kHz) instead of its first 21 ms of
 * sound, which no decoder could rebuild cleanly anyway from a first packet without the one before it.
 *
 * <p>The last segment ends where the longest of the renditions' videos does ({@link #end()}): sound that runs
 * short is made up with silence, sound that runs on is encoded as it comes (the end is known only then) and
 * dropped by each rendition's {@link AudioCut}; a rendition whose pictures end sooner (a
 * lower frame rate may end up to a picture earlier) has its last packet shortened by its {@link AudioCut}.
 *
 * <p>The samples come in as the resampler cuts them and wait in a FIFO (at most a frame's worth) until a
 * whole AAC frame of the current segment is there. Runs on the encoding thread of the job, as its renditions'
 * {@link SegmentedOutput}s do.
 *
 * <p>Ownership: packets handed to the renditions are referenced by them. The chunk frame that carries each AAC
 * frame's samples to the encoder and the frame of silence are allocated once and reused for every frame; this
 * object frees them, its FIFO, encoder and track parameters on {@link #close()}, after every rendition sharing
 * it is closed.
 */
final class AacSegmentEncoder implements AutoCloseable {
    private final int bitsPerSecond;
    private final int sampleRate;
    private final int channels;
    private final long segmentSamples;
    private final AVCodecParameters parameters = avcodec_parameters_alloc();
    private final AacAudio.Track track;
    private final List<EncodedSegments> renditions = new ArrayList<>();
    private final AVAudioFifo fifo;
    private final AVFrame chunk = av_frame_alloc();
    private final AVFrame silence = av_frame_alloc();
    private final AVPacket scratch = av_packet_alloc();
    private final int frameSize;
    private final int priming;
    private AacEncoder encoder;
    private int segment;
    private boolean encodedInSegment;
    private boolean ended;
    /** Source sample (from time 0) of the FIFO's first sample. */
    private long fifoStart;
    /** Source sample where the current segment's next AAC frame starts. */
    private long next;
    /** AAC frames given to the encoders so far. */
    private long encodedFrames;

    /**
     * @param bitsPerSecond  32000 to 320000
     * @param segmentSeconds the renditions' {@code maxSegmentSeconds}, at least 1
     * @param sampleRate     the decoded sound's rate, one the AAC encoder takes
     * @param channels       1 or 2
     */
    AacSegmentEncoder(int bitsPerSecond, int segmentSeconds, int sampleRate, int channels) {
        this.bitsPerSecond = bitsPerSecond;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.segmentSamples = (long) segmentSeconds * sampleRate;
        this.track = new AacAudio.Track(parameters, av_make_q(1, sampleRate), bitsPerSecond);
        this.fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, channels, 2 * 1024);
        boolean made = false;
        try {
            encoder = new AacEncoder(bitsPerSecond, sampleRate, channels);
            frameSize = encoder.frameSize();
            priming = encoder.primingSamples();
            next = priming;
            int copied = avcodec_parameters_copy(parameters, encoder.track().parameters());
            if (copied < 0) {
                throw new OutOfMemoryError("cannot set up the audio encoding: " + FfmpegErrors.describe(copied));
            }
            if (fifo == null || fill(silence, frameSize) < 0 || fill(chunk, frameSize) < 0) {
                throw new OutOfMemoryError("cannot allocate the audio encoding's FIFO, chunk or silence frame");
            }
            av_samples_set_silence(silence.extended_data(), 0, frameSize, channels, AV_SAMPLE_FMT_FLTP);
            made = true;
        } finally {
            if (!made) {
                close();
            }
        }
    }

    /** @return the AAC track every segment of every rendition sharing this carries (this object's) */
    AacAudio.Track track() {
        return track;
    }

    /** @return the sample rate, samples per second */
    int sampleRate() {
        return sampleRate;
    }

    /** @return AAC frames given to the encoders so far (priming and padding included) */
    long encodedFrames() {
        return encodedFrames;
    }

    void join(EncodedSegments rendition) {
        renditions.add(rendition);
    }

    void leave(EncodedSegments rendition) {
        renditions.remove(rendition);
    }

    /** @param frame decoded sound, planar float at the track's rate, contiguous from time 0; not consumed */
    void frame(AVFrame frame) throws MediaRejectedException {
        if (frame.sample_rate() != sampleRate || frame.format() != AV_SAMPLE_FMT_FLTP || frame.ch_layout().nb_channels() != channels) {
            throw new IllegalStateException("the resampler made " + frame.sample_rate() + " Hz, format " + frame.format()
                    + ", " + frame.ch_layout().nb_channels() + " channels");
        }
        write(frame, frame.nb_samples());
        encode(Long.MAX_VALUE);
    }

    /**
     * The source has ended and every rendition's pictures are out: encodes the rest up to the end of the longest
     * rendition's video, not beyond. Once; later calls do nothing.
     */
    void end() throws MediaRejectedException {
        if (ended) {
            return;
        }
        ended = true;
        long end = 0;
        for (EncodedSegments rendition : renditions) {
            end = Math.max(end, rendition.endSample());
        }
        if (end > segment * segmentSamples) {
            // Silence for what the source's sound did not cover, a frame at a time so that none piles up.
            while (fifoStart + av_audio_fifo_size(fifo) < end) {
                write(silence, (int) Math.min(frameSize, end - fifoStart - av_audio_fifo_size(fifo)));
                encode(end);
            }
            encode(end);
            if (!encodedInSegment) {
                encodeSilentSample(); // the segment is shorter than the priming, which still starts it
            }
        }
        // else the sound ran into a segment past the video's end: AudioCut drops what starts there.
        flushEncoder();
    }

    /** Encodes every whole frame the FIFO holds up to {@code limit}, crossing into the next segments on the way. */
    private void encode(long limit) throws MediaRejectedException {
        while (true) {
            long segmentEnd = (segment + 1) * segmentSamples;
            long stop = Math.min(segmentEnd, limit);
            if (fifoStart < next) {
                int skipped = (int) Math.min(next - fifoStart, av_audio_fifo_size(fifo));
                av_audio_fifo_drain(fifo, skipped); // the priming's place at the segment's start
                fifoStart += skipped;
                if (fifoStart < next) {
                    return;
                }
            }
            if (next < stop) {
                long chunkEnd = Math.min(next + frameSize, stop);
                if (fifoStart + av_audio_fifo_size(fifo) < chunkEnd) {
                    return;
                }
                encodeChunk((int) (chunkEnd - next));
                continue;
            }
            if (stop < segmentEnd || segmentEnd >= limit) {
                return; // at the limit: the video's end decides what follows
            }
            flushEncoder();
            encoder.close();
            encoder = null;
            segment++;
            for (EncodedSegments rendition : renditions) {
                rendition.advance(segment);
            }
            next = segment * segmentSamples + priming;
            encodedInSegment = false;
            encoder = new AacEncoder(bitsPerSecond, sampleRate, channels);
        }
    }

    /** Encodes the FIFO's first {@code samples} as the current segment's frame starting at {@link #next}. */
    private void encodeChunk(int samples) throws MediaRejectedException {
        writableChunk(samples);
        if (av_audio_fifo_read(fifo, chunk.extended_data(), samples) != samples) {
            throw new IllegalStateException("the audio FIFO gave fewer than the " + samples + " samples it held");
        }
        encodeFrame();
        fifoStart += samples;
        next += samples;
    }

    /** Encodes one silent sample at {@link #next}, so that the encoder gives its priming packet. */
    private void encodeSilentSample() throws MediaRejectedException {
        writableChunk(1);
        av_samples_set_silence(chunk.extended_data(), 0, 1, channels, AV_SAMPLE_FMT_FLTP);
        encodeFrame();
    }

    /**
     * Makes {@link #chunk} (allocated once, for a whole AAC frame) ours to write and {@code samples} long. The
     * encoder takes a reference to each frame it is sent and has let it go by the time it gives its packets
     * back (FFmpeg's AAC encoder copies the samples in), so the buffer is normally reused as it is; were a
     * reference still held, {@code av_frame_make_writable} would move the chunk to a buffer of its own.
     */
    private void writableChunk(int samples) {
        chunk.nb_samples(frameSize); // the copy, if one is made, keeps room for a whole frame
        if (av_frame_make_writable(chunk) < 0) {
            throw new OutOfMemoryError("cannot make the audio chunk writable");
        }
        chunk.nb_samples(samples);
    }

    /** Encodes {@link #chunk} at {@link #next}, hands its packets to every rendition and lets each write. */
    private void encodeFrame() throws MediaRejectedException {
        long segmentStart = segment * segmentSamples;
        chunk.pts(next - segmentStart);
        encoder.encode(chunk, scratch, this::handOut);
        encodedFrames++;
        encodedInSegment = true;
        for (EncodedSegments rendition : renditions) {
            rendition.commit();
        }
    }

    private void flushEncoder() throws MediaRejectedException {
        encoder.encode(null, scratch, this::handOut);
    }

    /** @param packet {@code pts} from the current segment's start; each rendition takes its own reference */
    private void handOut(AVPacket packet) {
        long start = segment * segmentSamples + packet.pts();
        for (EncodedSegments rendition : renditions) {
            rendition.add(segment, start, packet);
        }
    }

    private void write(AVFrame frame, int samples) {
        if (av_audio_fifo_write(fifo, frame.extended_data(), samples) != samples) {
            throw new OutOfMemoryError("cannot grow the audio FIFO");
        }
    }

    private int fill(AVFrame frame, int samples) {
        frame.nb_samples(samples).format(AV_SAMPLE_FMT_FLTP).sample_rate(sampleRate);
        av_channel_layout_default(frame.ch_layout(), channels);
        return av_frame_get_buffer(frame, 0);
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
        if (fifo != null) {
            av_audio_fifo_free(fifo);
        }
        av_frame_free(chunk);
        av_frame_free(silence);
        av_packet_free(scratch);
        avcodec_parameters_free(parameters);
    }
}
