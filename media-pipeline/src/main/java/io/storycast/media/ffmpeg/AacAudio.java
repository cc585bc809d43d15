package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;

/**
 * The sound of a job on its way to the renditions' AAC tracks, read once whatever the number of renditions:
 * the source's AAC packets copied as they are ({@link CopiedAac}) when they already lie on the video's
 * timeline, or else decoded once and resampled to a timeline that starts at the video's time 0
 * ({@link EncodedAac}), to be encoded per segment, once per distinct format ({@link #encode}). Each rendition
 * cuts it into its segments through its own {@link SegmentAudio} ({@link #segments}).
 *
 * <p>Threads: {@link #accept} and {@link #flush} run on the job's decoding thread, {@link #encode} and the
 * {@link SegmentAudio}s on its encoding thread.
 *
 * <p>Ownership: packets and frames handed to a {@link Sink} stay this object's (the sink refs what it keeps);
 * {@link #close()} frees every native struct, after every {@link SegmentAudio} made from it is closed.
 */
interface AacAudio extends AutoCloseable {
    /** Most channels copied as they are; more are mixed down to stereo by re-encoding. */
    int MAX_COPIED_CHANNELS = 2;

    /**
     * One AAC track that renditions carry.
     *
     * @param parameters    the codec parameters for the MP4 stream (owned by whoever made the track)
     * @param timeBase      the time base of its packets
     * @param bitsPerSecond its bit rate, for the byte budget (an estimate when copied)
     */
    record Track(AVCodecParameters parameters, AVRational timeBase, long bitsPerSecond) {
    }

    /** Receives the sound in order, on the decoding thread; must not keep what it gets past the call. */
    interface Sink {
        /** @param packet a copied AAC packet, timestamps in the source stream's time base */
        void audioPacket(AVPacket packet) throws MediaRejectedException;

        /** @param frame decoded sound, planar float, contiguous from the video's time 0 */
        void audioFrame(AVFrame frame) throws MediaRejectedException;
    }

    /**
     * Called for every rendition before any sound comes.
     *
     * @param writer where the rendition's AAC packets go, segment by segment, in order
     * @return a new cutter of this sound into {@code rendition}'s segments; the caller closes it
     */
    SegmentAudio segments(VideoRendition rendition, AudioCut.Writer writer);

    /**
     * Encodes decoded sound (what {@link Sink#audioFrame} was given) once for each distinct format the renditions
     * asked for, handing the packets to their {@link SegmentAudio}s; on the encoding thread.
     *
     * @param frame planar float, contiguous from the video's time 0; not consumed
     */
    void encode(AVFrame frame) throws MediaRejectedException;

    /** @return AAC frames encoded so far over every format, 0 when the sound is copied (for tests and benchmarks) */
    long encodedFrames();

    /** @param packet a packet of the audio stream; not consumed */
    void accept(AVPacket packet, Sink sink) throws MediaRejectedException;

    /** Hands out what the decoder and resampler still hold, at the end of the source. */
    void flush(Sink sink) throws MediaRejectedException;

    @Override
    void close();

    /**
     * @param video the video stream, whose length the sound must cover to be copied
     * @throws MediaRejectedException UNSUPPORTED_TYPE when this FFmpeg build cannot decode the audio
     */
    static AacAudio open(AVStream stream, AVStream video) throws MediaRejectedException {
        AVCodecParameters parameters = stream.codecpar();
        if (parameters.codec_id() == AV_CODEC_ID_AAC && parameters.sample_rate() > 0
                && parameters.ch_layout().nb_channels() >= 1 && parameters.ch_layout().nb_channels() <= MAX_COPIED_CHANNELS
                && CopiedAac.fitsTheTimeline(stream, video)) {
            return new CopiedAac(stream);
        }
        if (avcodec_find_decoder(parameters.codec_id()) == null) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "no decoder for the video's audio codec");
        }
        return new EncodedAac(stream);
    }
}
