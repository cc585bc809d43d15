package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
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
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/**
 * The H.264 encoder of one segment of one rendition through FFmpeg: the {@code libopenh264} that the
 * JavaCPP FFmpeg build links (the LGPL build has no x264; its OpenH264 is compiled without assembly, see
 * {@link H264Encoders}), in its bit-rate mode at the rendition's rate, with frame skipping off so every input frame becomes one
 * output frame (constant frame rate). A new encoder per segment starts each segment on an IDR picture, and
 * OpenH264's intra period puts an IDR every {@code framesPerSecond * gopSeconds} frames after it: each GOP
 * is closed (IDR pictures reset the reference list). OpenH264 makes no B-frames, so packets come out in
 * presentation order with {@code dts == pts}.
 *
 * <p>Ownership: frees its codec context, parameters and packet on {@link #close()}; packets handed to the sink
 * are unref'd after the sink returns.
 */
final class BundledH264Encoder implements VideoEncoder {
    private final AVCodecContext context;
    private final AVPacket packet = av_packet_alloc();
    private final AVCodecParameters parameters = avcodec_parameters_alloc();

    /**
     * @param audioBitsPerSecond the bit rate of the segment's audio (0 for none): subtracted from the byte cap
     * @param threads            encoder threads, at least 1
     * @param first              the segment's first frame: its colour primaries, transfer and matrix, where
     *                           known, are written into the stream (H.264 VUI) for players
     */
    BundledH264Encoder(VideoRendition rendition, long audioBitsPerSecond, int threads, AVFrame first) {
        AVCodec codec = avcodec_find_encoder_by_name("libopenh264");
        if (codec == null) {
            av_packet_free(packet);
            avcodec_parameters_free(parameters);
            throw new IllegalStateException("this FFmpeg build lacks the libopenh264 encoder");
        }
        context = avcodec_alloc_context3(codec);
        AVDictionary options = new AVDictionary(null);
        boolean opened = false;
        try {
            long bitsPerSecond = H264Encoders.bitsPerSecond(rendition, audioBitsPerSecond);
            context.width(rendition.width()).height(rendition.height()).pix_fmt(AV_PIX_FMT_YUV420P)
                    .time_base(av_make_q(1, rendition.framesPerSecond()))
                    .framerate(av_make_q(rendition.framesPerSecond(), 1))
                    .sample_aspect_ratio(av_make_q(1, 1))
                    .color_range(AVCOL_RANGE_MPEG)
                    .gop_size(rendition.framesPerSecond() * rendition.gopSeconds())
                    .max_b_frames(0)
                    .bit_rate(bitsPerSecond)
                    .thread_count(threads)
                    // OpenH264 works in parallel on slices only: one slice per thread.
                    .slices(threads);
            if (first.color_primaries() != AVCOL_PRI_UNSPECIFIED) {
                context.color_primaries(first.color_primaries());
            }
            if (first.color_trc() != AVCOL_TRC_UNSPECIFIED) {
                context.color_trc(first.color_trc());
            }
            if (first.colorspace() != AVCOL_SPC_UNSPECIFIED) {
                context.colorspace(first.colorspace());
            }
            if (rendition.maxBytes() > 0) {
                context.rc_max_rate(bitsPerSecond); // OpenH264's iMaxBitrate: a ceiling, not just a mean
            }
            // MP4 keeps SPS/PPS in the sample description (avcC), not in the pictures.
            context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            av_dict_set(options, "rc_mode", "bitrate", 0);
            av_dict_set(options, "allow_skip_frames", "0", 0);
            int result = avcodec_open2(context, codec, options);
            if (result < 0) {
                throw new IllegalStateException("cannot open the libopenh264 encoder: " + FfmpegErrors.describe(result));
            }
            result = avcodec_parameters_from_context(parameters, context);
            if (result < 0) {
                throw new IllegalStateException("cannot read the encoder's parameters: " + FfmpegErrors.describe(result));
            }
            opened = true;
        } finally {
            av_dict_free(options);
            if (!opened) {
                close();
            }
        }
    }

    @Override
    public AVCodecParameters parameters() {
        return parameters;
    }

    @Override
    public AVRational timeBase() {
        return context.time_base();
    }

    @Override
    public void encode(AVFrame frame, PacketSink sink) throws MediaRejectedException {
        if (frame != null) {
            frame.pict_type(AV_PICTURE_TYPE_NONE); // the intra period decides, not the source's picture types
        }
        int sent = avcodec_send_frame(context, frame);
        if (sent < 0 && sent != AVERROR_EOF()) {
            throw new IllegalStateException("libopenh264 refused a frame: " + FfmpegErrors.describe(sent));
        }
        while (true) {
            int received = avcodec_receive_packet(context, packet);
            if (received == FfmpegErrors.AGAIN || received == AVERROR_EOF()) {
                return;
            }
            if (received < 0) {
                throw new IllegalStateException("libopenh264 failed: " + FfmpegErrors.describe(received));
            }
            try {
                packet.duration(1); // one frame (time base 1/fps): the track's last frame needs its length too
                sink.accept(packet);
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    @Override
    public void close() {
        avcodec_free_context(context);
        av_packet_free(packet);
        avcodec_parameters_free(parameters);
    }
}
