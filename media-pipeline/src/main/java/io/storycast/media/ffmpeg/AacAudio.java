package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.Collection;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;

/**
 * The audio of a job as AAC for the MP4 renditions, made once whatever the number of renditions: the
 * source's AAC packets copied as they are ({@link CopiedAac}), or any other codec decoded once and encoded
 * by FFmpeg's native {@code aac} encoder once per distinct bit rate ({@link EncodedAac}).
 *
 * <p>Ownership: packets handed to a {@link Sink} stay this object's (the sink refs what it keeps);
 * {@link #close()} frees every native struct.
 */
interface AacAudio extends AutoCloseable {
    /** Most channels copied as they are; more are mixed down to stereo by re-encoding. */
    int MAX_COPIED_CHANNELS = 2;

    /**
     * One AAC track that renditions can carry.
     *
     * @param parameters    the codec parameters for the MP4 stream (owned by the {@link AacAudio})
     * @param timeBase      the time base of its packets
     * @param bitsPerSecond its bit rate, for the byte budget (an estimate when copied)
     */
    record Track(AVCodecParameters parameters, AVRational timeBase, long bitsPerSecond) {
    }

    /** Receives each AAC packet of a track, in order; it must not keep the packet past the call. */
    @FunctionalInterface
    interface Sink {
        void accept(Track track, AVPacket packet) throws MediaRejectedException;
    }

    /** @return the track of a rendition that wants AAC at {@code bitsPerSecond} */
    Track track(int bitsPerSecond);

    /** @param packet a packet of the audio stream; not consumed */
    void accept(AVPacket packet, Sink sink) throws MediaRejectedException;

    /** Hands out what the encoders still hold, at the end of the source. */
    void flush(Sink sink) throws MediaRejectedException;

    @Override
    void close();

    /**
     * @param bitRates every bit rate a rendition wants
     * @throws MediaRejectedException UNSUPPORTED_TYPE when this FFmpeg build cannot decode the audio
     */
    static AacAudio open(AVStream stream, Collection<Integer> bitRates) throws MediaRejectedException {
        AVCodecParameters parameters = stream.codecpar();
        if (parameters.codec_id() == AV_CODEC_ID_AAC && parameters.sample_rate() > 0
                && parameters.ch_layout().nb_channels() >= 1 && parameters.ch_layout().nb_channels() <= MAX_COPIED_CHANNELS) {
            return new CopiedAac(stream);
        }
        if (avcodec_find_decoder(parameters.codec_id()) == null) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "no decoder for the video's audio codec");
        }
        return new EncodedAac(stream, bitRates);
    }
}
