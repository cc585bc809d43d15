package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import io.storycast.media.openh264.OpenH264Encoder;
import io.storycast.media.openh264.OpenH264Library;
import io.storycast.media.openh264.OpenH264Settings;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

import java.nio.ByteBuffer;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

/**
 * The H.264 encoder of one segment of one rendition through a system OpenH264 ({@link OpenH264Library}),
 * set up as {@link BundledH264Encoder} sets up FFmpeg's, and handing the muxer what FFmpeg's wrapper hands it:
 * Annex B packets (an IDR picture's repeated SPS/PPS left out, as with a global header), the key flag on IDR
 * pictures, and the SPS/PPS as the parameters' extradata.
 *
 * <p>Memory: each packet is allocated by FFmpeg ({@code av_new_packet}) and filled straight from OpenH264's
 * output buffer, native to native; frames are read where the filter graph left them. Ownership: frees the
 * OpenH264 encoder, its parameters and its packet on {@link #close()}; packets handed to the sink are unref'd
 * after the sink returns.
 */
final class SystemH264Encoder implements VideoEncoder {
    private final OpenH264Encoder encoder;
    private final AVCodecParameters parameters = avcodec_parameters_alloc();
    private final AVPacket packet = av_packet_alloc();
    private final AVRational timeBase;
    private final long[] planes = new long[3];
    private final int[] strides = new int[3];

    SystemH264Encoder(OpenH264Library library, VideoRendition rendition, long audioBitsPerSecond, int threads, AVFrame first) {
        int bitsPerSecond = (int) Math.min(Integer.MAX_VALUE, H264Encoders.bitsPerSecond(rendition, audioBitsPerSecond));
        timeBase = av_make_q(1, rendition.framesPerSecond());
        OpenH264Encoder opened = null;
        try {
            opened = library.newEncoder(new OpenH264Settings(rendition.width(), rendition.height(), rendition.framesPerSecond(),
                    bitsPerSecond, bitsPerSecond, rendition.framesPerSecond() * rendition.gopSeconds(), threads,
                    vui(first.color_primaries()), vui(first.color_trc()), vui(first.colorspace())));
            describe(rendition, bitsPerSecond, first, opened.parameterSets());
            encoder = opened;
        } catch (RuntimeException | Error e) {
            if (opened != null) {
                opened.close();
            }
            avcodec_parameters_free(parameters);
            av_packet_free(packet);
            throw e;
        }
    }

    /**
     * What {@code avcodec_parameters_from_context} copies from FFmpeg's opened libopenh264 context, but its CPB
     * properties: without them the muxer computes the {@code btrt} box's rates from the data.
     */
    private void describe(VideoRendition rendition, int bitsPerSecond, AVFrame first, ByteBuffer parameterSets) {
        parameters.codec_type(AVMEDIA_TYPE_VIDEO).codec_id(AV_CODEC_ID_H264).format(AV_PIX_FMT_YUV420P)
                .width(rendition.width()).height(rendition.height()).sample_aspect_ratio(av_make_q(1, 1))
                .framerate(av_make_q(rendition.framesPerSecond(), 1)).bit_rate(bitsPerSecond)
                .color_range(AVCOL_RANGE_MPEG).color_primaries(vui(first.color_primaries())).color_trc(vui(first.color_trc()))
                .color_space(vui(first.colorspace()));
        int size = parameterSets.remaining();
        BytePointer extradata = new BytePointer(av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE)).capacity(size);
        if (extradata.isNull()) {
            throw new OutOfMemoryError("no native memory for " + size + " bytes of SPS/PPS");
        }
        extradata.asByteBuffer().put(parameterSets);
        parameters.extradata(extradata).extradata_size(size); // freed with the parameters
    }

    /** @return an FFmpeg colour code as H.264's VUI can carry it: FFmpeg's extended codes (256 on) as unspecified */
    private static int vui(int code) {
        return code >= 0 && code <= 255 ? code : OpenH264Settings.UNSPECIFIED;
    }

    @Override
    public AVCodecParameters parameters() {
        return parameters;
    }

    @Override
    public AVRational timeBase() {
        return timeBase;
    }

    @Override
    public void encode(AVFrame frame, PacketSink sink) throws MediaRejectedException {
        if (frame == null) {
            return; // OpenH264 holds no pictures back: nothing to flush
        }
        for (int plane = 0; plane < 3; plane++) {
            planes[plane] = frame.data(plane).address();
            strides[plane] = frame.linesize(plane);
        }
        if (!encoder.encode(planes, strides)) {
            // FFmpeg's wrapper would make no packet; with frame skipping off a skip is a broken promise
            // (one picture out per picture in, constant frame rate), so the job fails instead.
            throw new IllegalStateException("OpenH264 skipped a picture with frame skipping off");
        }
        ByteBuffer picture = encoder.picture();
        int size = picture.remaining();
        if (av_new_packet(packet, size) < 0) {
            throw new OutOfMemoryError("no native memory for a " + size + "-byte packet");
        }
        try {
            packet.data().capacity(size).asByteBuffer().put(picture);
            packet.pts(frame.pts()).dts(frame.pts()).duration(1);
            if (encoder.keyFrame()) {
                packet.flags(packet.flags() | AV_PKT_FLAG_KEY);
            }
            sink.accept(packet);
        } finally {
            av_packet_unref(packet);
        }
    }

    @Override
    public void close() {
        encoder.close();
        avcodec_parameters_free(parameters);
        av_packet_free(packet);
    }
}
