package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/**
 * AAC audio copied packet for packet: no generation loss and no encoding time. Every rendition carries the
 * same track, whatever bit rate its profile names (the source's own rate is what the byte budget counts).
 */
final class CopiedAac implements AacAudio {
    /** Assumed when the header does not say: the most a profile may ask for. */
    private static final long UNKNOWN_BITS_PER_SECOND = 320_000;

    private final AVCodecParameters parameters = avcodec_parameters_alloc();
    private final Track track;

    CopiedAac(AVStream stream) {
        int copied = avcodec_parameters_copy(parameters, stream.codecpar());
        if (copied < 0) {
            avcodec_parameters_free(parameters);
            throw new OutOfMemoryError("cannot copy the audio parameters: " + FfmpegErrors.describe(copied));
        }
        parameters.codec_tag(0); // the MP4 muxer picks its own tag (mp4a)
        AVRational timeBase = av_make_q(stream.time_base().num(), stream.time_base().den());
        long bitsPerSecond = parameters.bit_rate() > 0 ? parameters.bit_rate() : UNKNOWN_BITS_PER_SECOND;
        this.track = new Track(parameters, timeBase, bitsPerSecond);
    }

    @Override
    public Track track(int bitsPerSecond) {
        return track;
    }

    @Override
    public void accept(AVPacket packet, Sink sink) throws MediaRejectedException {
        sink.accept(track, packet);
    }

    @Override
    public void flush(Sink sink) {
        // nothing held back
    }

    @Override
    public void close() {
        avcodec_parameters_free(parameters);
    }
}
