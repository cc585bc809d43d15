package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.probe.SourceFormat;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

/**
 * Decodes the one frame of an image upload, through {@link NativeInput} and only the demuxer its magic bytes
 * named. The decoder refuses frames above the pixel limit ({@code max_pixels}) as a second guard behind the
 * header check; no protocol may be opened ({@code protocol_whitelist} names none), so nothing in the file
 * can make FFmpeg read another file or URL.
 */
final class ImageDecoder {
    /** {@code AVFMT_FLAG_CUSTOM_IO}: the caller owns {@code pb}; close must not free it. */
    private static final int CUSTOM_IO = 0x0080;

    private ImageDecoder() {
    }

    /**
     * @return the decoded frame; the caller frees it ({@code av_frame_free})
     * @throws MediaRejectedException CORRUPT when FFmpeg cannot read it, TIMED_OUT past the deadline
     */
    static AVFrame decode(ByteBuf upload, SourceFormat format, MediaLimits limits, long deadlineNanos)
            throws MediaRejectedException {
        AVInputFormat demuxer = av_find_input_format(format.demuxer());
        if (demuxer == null) {
            throw new IllegalStateException("this FFmpeg build lacks the " + format.demuxer() + " demuxer");
        }
        try (NativeInput input = new NativeInput(upload, deadlineNanos)) {
            AVFormatContext container = avformat_alloc_context();
            container.pb(input.context());
            container.flags(container.flags() | CUSTOM_IO);
            AVDictionary options = new AVDictionary(null);
            av_dict_set(options, "format_whitelist", format.demuxer(), 0);
            av_dict_set(options, "protocol_whitelist", "none", 0);
            int opened = avformat_open_input(container, (String) null, demuxer, options);
            av_dict_free(options);
            if (opened < 0) {
                // FFmpeg freed the context on failure (not our custom pb, which the input frees).
                throw rejection(input, "cannot open the " + format.name() + " image", opened);
            }
            try {
                return decodeFirstFrame(container, input, limits);
            } finally {
                avformat_close_input(container);
            }
        }
    }

    private static AVFrame decodeFirstFrame(AVFormatContext container, NativeInput input, MediaLimits limits)
            throws MediaRejectedException {
        if (container.nb_streams() < 1 || container.streams(0).codecpar().codec_type() != AVMEDIA_TYPE_VIDEO) {
            throw new MediaRejectedException(MediaProblem.CORRUPT, "the image has no picture in it");
        }
        AVCodec codec = avcodec_find_decoder(container.streams(0).codecpar().codec_id());
        if (codec == null) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "no decoder for the image's codec");
        }
        AVCodecContext decoder = avcodec_alloc_context3(codec);
        AVPacket packet = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        boolean decoded = false;
        try {
            int copied = avcodec_parameters_to_context(decoder, container.streams(0).codecpar());
            if (copied < 0) {
                throw FfmpegErrors.corrupt("cannot read the image's codec parameters", copied);
            }
            decoder.max_pixels(limits.maxPixels());
            decoder.thread_count(1);
            int opened = avcodec_open2(decoder, codec, (AVDictionary) null);
            if (opened < 0) {
                throw FfmpegErrors.corrupt("cannot open the image decoder", opened);
            }
            boolean draining = false;
            while (true) {
                if (!draining) {
                    int read = av_read_frame(container, packet);
                    if (read < 0) {
                        if (input.timedOut()) {
                            throw timedOut();
                        }
                        draining = true;
                        avcodec_send_packet(decoder, null);
                    } else {
                        int sent = packet.stream_index() == 0 ? avcodec_send_packet(decoder, packet) : 0;
                        av_packet_unref(packet);
                        if (sent < 0 && sent != FfmpegErrors.AGAIN) {
                            throw FfmpegErrors.corrupt("cannot decode the image", sent);
                        }
                    }
                }
                int received = avcodec_receive_frame(decoder, frame);
                if (received == 0) {
                    decoded = true;
                    return frame;
                }
                if (received != FfmpegErrors.AGAIN || draining) {
                    throw FfmpegErrors.corrupt("the image holds no complete picture", received);
                }
            }
        } finally {
            if (!decoded) {
                av_frame_free(frame);
            }
            av_packet_free(packet);
            avcodec_free_context(decoder);
        }
    }

    private static MediaRejectedException rejection(NativeInput input, String what, int code) {
        return input.timedOut() ? timedOut() : FfmpegErrors.corrupt(what, code);
    }

    private static MediaRejectedException timedOut() {
        return new MediaRejectedException(MediaProblem.TIMED_OUT, "the job ran past its time limit");
    }
}
