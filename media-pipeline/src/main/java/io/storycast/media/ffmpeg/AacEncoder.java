package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_BITEXACT;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/**
 * FFmpeg's native AAC-LC encoder at one bit rate (the LGPL build has no libfdk_aac). It takes planar float
 * frames of exactly {@link #frameSize()} samples, the last of a stream excepted ({@link EncodedSegments} cuts
 * them so).
 *
 * <p>Ownership: frees its codec context and parameters on {@link #close()}.
 */
final class AacEncoder implements AutoCloseable {
    private final AVCodecContext context;
    private final AVCodecParameters parameters = avcodec_parameters_alloc();
    private final AacAudio.Track track;

    /**
     * @param bitsPerSecond 32000 to 320000
     * @param sampleRate    one the AAC encoder takes, e.g. 48000
     * @param channels      1 or 2
     */
    AacEncoder(int bitsPerSecond, int sampleRate, int channels) {
        AVCodec codec = avcodec_find_encoder_by_name("aac");
        if (codec == null) {
            avcodec_parameters_free(parameters);
            throw new IllegalStateException("this FFmpeg build lacks the aac encoder");
        }
        context = avcodec_alloc_context3(codec);
        boolean opened = false;
        try {
            context.sample_fmt(AV_SAMPLE_FMT_FLTP).sample_rate(sampleRate).bit_rate(bitsPerSecond)
                    .time_base(av_make_q(1, sampleRate));
            av_channel_layout_default(context.ch_layout(), channels);
            context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_BITEXACT);
            int result = avcodec_open2(context, codec, (AVDictionary) null);
            if (result < 0) {
                throw new IllegalStateException("cannot open the aac encoder: " + FfmpegErrors.describe(result));
            }
            result = avcodec_parameters_from_context(parameters, context);
            if (result < 0) {
                throw new IllegalStateException("cannot read the aac encoder's parameters: " + FfmpegErrors.describe(result));
            }
            opened = true;
        } finally {
            if (!opened) {
                avcodec_free_context(context);
                avcodec_parameters_free(parameters);
            }
        }
        track = new AacAudio.Track(parameters, av_make_q(1, sampleRate), bitsPerSecond);
    }

    AVCodecContext context() {
        return context;
    }

    AacAudio.Track track() {
        return track;
    }

    /** @return samples per frame the encoder takes (1024 for AAC-LC) */
    int frameSize() {
        return context.frame_size();
    }

    /**
     * @return the encoder's delay in samples (1024 for FFmpeg's AAC-LC): its first packet, the "priming", covers
     *         that many samples before the first one given and decodes, even on its own, to silence
     */
    int primingSamples() {
        return context.initial_padding();
    }

    /**
     * @param frame   {@link #frameSize()} samples (fewer only for the last) with {@code pts} in 1/sampleRate, or
     *                null to flush. Packets come out on the input's timeline: each one's {@code pts} is the time
     *                of the samples it decodes to, and the first one covers the {@link #primingSamples()} before
     *                the first input sample
     * @param scratch an empty packet to receive into; left empty
     */
    void encode(AVFrame frame, AVPacket scratch, PacketSink sink) throws MediaRejectedException {
        int sent = avcodec_send_frame(context, frame);
        if (sent < 0 && sent != AVERROR_EOF()) {
            throw new IllegalStateException("the aac encoder refused a frame: " + FfmpegErrors.describe(sent));
        }
        while (true) {
            int received = avcodec_receive_packet(context, scratch);
            if (received == FfmpegErrors.AGAIN || received == AVERROR_EOF()) {
                return;
            }
            if (received < 0) {
                throw new IllegalStateException("the aac encoder failed: " + FfmpegErrors.describe(received));
            }
            try {
                sink.accept(scratch);
            } finally {
                av_packet_unref(scratch);
            }
        }
    }

    @Override
    public void close() {
        avcodec_free_context(context);
        avcodec_parameters_free(parameters);
    }
}
