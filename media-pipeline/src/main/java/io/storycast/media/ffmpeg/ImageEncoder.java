package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.ImageRendition;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_BITEXACT;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_QSCALE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.FF_QP2LAMBDA;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/**
 * Encodes one rendition frame as a JPEG (FFmpeg's MJPEG encoder) or a WebP ({@code libwebp}) file. The
 * encoders write no EXIF or XMP (and {@code bitexact} drops the encoder's version comment), so no
 * rendition carries the source's metadata. With a byte budget the quality steps down by 10 until the file
 * fits.
 */
final class ImageEncoder {
    private static final int QUALITY_STEP = 10;
    private static final int LOWEST_QUALITY = 5;

    private ImageEncoder() {
    }

    /** @return the FFmpeg pixel format the rendition's encoder takes */
    static String pixelFormatOf(ImageRendition rendition) {
        return rendition.format().equals("jpeg") ? "yuvj420p" : "yuv420p";
    }

    /** @return the FFmpeg name of the rendition's encoder */
    static String codecOf(ImageRendition rendition) {
        return rendition.format().equals("jpeg") ? "mjpeg" : "libwebp";
    }

    /**
     * @param frame a frame of the rendition's size and {@link #pixelFormatOf pixel format}
     * @return the encoded file in a direct buffer from {@code allocator}; the caller owns it
     */
    static ByteBuf encode(AVFrame frame, ImageRendition rendition, ByteBufAllocator allocator) throws MediaRejectedException {
        for (int quality = rendition.quality(); ; quality = Math.max(LOWEST_QUALITY, quality - QUALITY_STEP)) {
            ByteBuf encoded = encodeAt(frame, rendition, quality, allocator);
            if (rendition.maxBytes() == 0 || encoded.readableBytes() <= rendition.maxBytes()) {
                return encoded;
            }
            encoded.release();
            if (quality == LOWEST_QUALITY) {
                throw new MediaRejectedException(MediaProblem.TOO_MANY_BYTES, "the " + rendition.name()
                        + " rendition does not fit in its " + rendition.maxBytes() + " bytes even at quality " + quality);
            }
        }
    }

    private static ByteBuf encodeAt(AVFrame frame, ImageRendition rendition, int quality, ByteBufAllocator allocator)
            throws MediaRejectedException {
        boolean jpeg = rendition.format().equals("jpeg");
        AVCodec codec = jpeg ? avcodec_find_encoder(AV_CODEC_ID_MJPEG) : avcodec_find_encoder_by_name("libwebp");
        if (codec == null) {
            throw new IllegalStateException("this FFmpeg build lacks the " + codecOf(rendition) + " encoder");
        }
        AVCodecContext encoder = avcodec_alloc_context3(codec);
        AVPacket packet = av_packet_alloc();
        AVDictionary options = new AVDictionary(null);
        ByteBuf out = allocator.directBuffer(64 * 1024);
        try {
            encoder.width(frame.width()).height(frame.height()).pix_fmt(frame.format()).time_base(av_make_q(1, 25));
            encoder.flags(encoder.flags() | AV_CODEC_FLAG_BITEXACT);
            if (jpeg) {
                // JPEG quality 100..1 onto MJPEG's quantiser scale 2 (best) .. 31 (smallest).
                int scale = 2 + Math.round((100 - quality) * 29 / 99f);
                encoder.flags(encoder.flags() | AV_CODEC_FLAG_QSCALE).global_quality(scale * FF_QP2LAMBDA);
                // With a fixed quantiser the encoder reads each frame's own quality, as the ffmpeg CLI sets it.
                frame.quality(scale * FF_QP2LAMBDA);
            } else {
                av_dict_set(options, "quality", Integer.toString(quality), 0);
            }
            int opened = avcodec_open2(encoder, codec, options);
            if (opened < 0) {
                throw new IllegalStateException("cannot open the " + codecOf(rendition) + " encoder: " + FfmpegErrors.describe(opened));
            }
            frame.pts(0);
            int sent = avcodec_send_frame(encoder, frame);
            if (sent < 0) {
                throw FfmpegErrors.corrupt("cannot encode the " + rendition.name() + " rendition", sent);
            }
            avcodec_send_frame(encoder, null);
            while (true) {
                int received = avcodec_receive_packet(encoder, packet);
                if (received == AVERROR_EOF()) {
                    break;
                }
                if (received < 0) {
                    throw FfmpegErrors.corrupt("cannot encode the " + rendition.name() + " rendition", received);
                }
                // Native packet to direct buffer: no heap copy.
                out.writeBytes(packet.data().position(0).capacity(packet.size()).asByteBuffer());
                av_packet_unref(packet);
            }
            ByteBuf encoded = out;
            out = null;
            return encoded;
        } finally {
            if (out != null) {
                out.release();
            }
            av_dict_free(options);
            av_packet_free(packet);
            avcodec_free_context(encoder);
        }
    }
}
