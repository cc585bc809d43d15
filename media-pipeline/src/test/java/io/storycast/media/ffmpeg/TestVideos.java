package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;

import java.util.Arrays;
import java.util.Random;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/**
 * Real test videos, made by the same FFmpeg build (no committed fixtures): H.264 (libopenh264) pictures whose
 * left half is red and right half blue with a grey box moving across (so orientation and cropping show and
 * the encoder has motion to code), and a 440 Hz tone as AAC in MP4 or as 16-bit PCM in QuickTime, muxed the
 * way FFmpeg does by default ({@code moov} at the end). Plus byte patches that make a file lie in its
 * header. Public for the benchmarks in {@code bench/}.
 */
public final class TestVideos {
    /** The sound track of a test video. */
    public enum Audio { NONE, AAC, PCM }

    private static final int SAMPLE_RATE = 48_000;
    private static final int SAMPLES_PER_FRAME = 1024;

    private TestVideos() {
    }

    /**
     * @param seconds length; the clip has {@code round(seconds * fps)} pictures
     * @return an MP4 (AAC or no sound) or, for {@link Audio#PCM}, a QuickTime file, in a direct buffer the
     *         caller releases
     */
    public static ByteBuf clip(int width, int height, int fps, double seconds, Audio audio) {
        return make(width, height, fps, (int) Math.round(seconds * fps), audio, null, false);
    }

    /**
     * A clip like camera footage to a codec: fine texture and grain panning across the frame (about
     * 8 Mb/s at 1080x1920, 30 fps), with AAC sound. For benchmarks: the flat clips cost an encoder
     * almost nothing.
     */
    public static ByteBuf texturedClip(int width, int height, int fps, double seconds) {
        return make(width, height, fps, (int) Math.round(seconds * fps), Audio.AAC, null, true);
    }

    /**
     * A QuickTime clip with AAC sound whose header carries a GPS position as a phone camera writes it: the
     * {@code location} key, which FFmpeg's mov muxer writes as a {@code udta/©xyz} box.
     */
    public static ByteBuf clipWithLocation(int width, int height, int fps, double seconds) {
        return make(width, height, fps, (int) Math.round(seconds * fps), Audio.AAC, LOCATION, false);
    }

    /** The position {@link #clipWithLocation} writes (the Eiffel tower, ISO 6709). */
    public static final String LOCATION = "+48.8584+002.2945/";

    private static ByteBuf make(int width, int height, int fps, int frames, Audio audio, String location, boolean textured) {
        AVFormatContext container = new AVFormatContext(null);
        check(avformat_alloc_output_context2(container, null, audio == Audio.PCM || location != null ? "mov" : "mp4", null), "muxer");
        AVCodecContext video = null;
        AVCodecContext sound = null;
        AVFrame picture = av_frame_alloc();
        AVFrame samples = av_frame_alloc();
        AVPacket packet = av_packet_alloc();
        try (NativeOutput output = new NativeOutput(ByteBufAllocator.DEFAULT, Integer.MAX_VALUE)) {
            container.pb(output.context());
            boolean globalHeader = (container.oformat().flags() & AVFMT_GLOBALHEADER) != 0;
            video = videoEncoder(width, height, fps, globalHeader);
            AVStream videoStream = stream(container, video);
            AVStream audioStream = null;
            if (audio != Audio.NONE) {
                sound = audioEncoder(audio, globalHeader);
                audioStream = stream(container, sound);
            }
            if (location != null) {
                AVDictionary metadata = new AVDictionary(null);
                av_dict_set(metadata, "location", location, 0);
                container.metadata(metadata); // freed with the container
            }
            check(avformat_write_header(container, (AVDictionary) null), "header");

            Texture texture = textured ? new Texture(width, height, frames) : null;
            picture.width(width).height(height).format(AV_PIX_FMT_YUV420P);
            check(av_frame_get_buffer(picture, 0), "picture buffer");
            long samplesWritten = 0;
            for (int i = 0; i < frames; i++) {
                // Audio up to this picture's end, so the two tracks interleave as a camera writes them.
                while (sound != null && samplesWritten * fps < (long) (i + 1) * SAMPLE_RATE) {
                    tone(samples, sound, samplesWritten);
                    encode(sound, samples, packet, container, audioStream);
                    samplesWritten += SAMPLES_PER_FRAME;
                }
                check(av_frame_make_writable(picture), "writable picture");
                if (texture != null) {
                    texture.paint(picture, i);
                } else {
                    paint(picture, i);
                }
                picture.pts(i);
                encode(video, picture, packet, container, videoStream);
            }
            encode(video, null, packet, container, videoStream);
            if (sound != null) {
                encode(sound, null, packet, container, audioStream);
            }
            check(av_write_trailer(container), "trailer");
            container.pb(null);
            return output.take();
        } finally {
            av_packet_free(packet);
            av_frame_free(samples);
            av_frame_free(picture);
            if (video != null) {
                avcodec_free_context(video);
            }
            if (sound != null) {
                avcodec_free_context(sound);
            }
            container.pb(null);
            avformat_free_context(container);
        }
    }

    private static AVCodecContext videoEncoder(int width, int height, int fps, boolean globalHeader) {
        AVCodec codec = avcodec_find_encoder_by_name("libopenh264");
        AVCodecContext encoder = avcodec_alloc_context3(codec);
        encoder.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P).time_base(av_make_q(1, fps))
                .framerate(av_make_q(fps, 1)).gop_size(fps).bit_rate(Math.max(200_000L, (long) width * height * fps / 10));
        if (globalHeader) {
            encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        check(avcodec_open2(encoder, codec, (AVDictionary) null), "open libopenh264");
        return encoder;
    }

    private static AVCodecContext audioEncoder(Audio audio, boolean globalHeader) {
        AVCodec codec = avcodec_find_encoder_by_name(audio == Audio.AAC ? "aac" : "pcm_s16le");
        AVCodecContext encoder = avcodec_alloc_context3(codec);
        encoder.sample_fmt(audio == Audio.AAC ? AV_SAMPLE_FMT_FLTP : AV_SAMPLE_FMT_S16).sample_rate(SAMPLE_RATE)
                .time_base(av_make_q(1, SAMPLE_RATE)).bit_rate(128_000);
        av_channel_layout_default(encoder.ch_layout(), 2);
        if (globalHeader) {
            encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        check(avcodec_open2(encoder, codec, (AVDictionary) null), "open " + audio);
        return encoder;
    }

    private static AVStream stream(AVFormatContext container, AVCodecContext encoder) {
        AVStream stream = avformat_new_stream(container, null);
        check(avcodec_parameters_from_context(stream.codecpar(), encoder), "stream parameters");
        stream.time_base(encoder.time_base());
        return stream;
    }

    private static void encode(AVCodecContext encoder, AVFrame frame, AVPacket packet, AVFormatContext container, AVStream stream) {
        check(avcodec_send_frame(encoder, frame), "encode");
        while (avcodec_receive_packet(encoder, packet) == 0) {
            packet.stream_index(stream.index());
            if (packet.duration() == 0) {
                packet.duration(1); // libopenh264 leaves it unset: one frame, or the muxer cuts the last picture
            }
            AVRational from = encoder.time_base();
            av_packet_rescale_ts(packet, from, stream.time_base());
            check(av_interleaved_write_frame(container, packet), "write");
        }
    }

    /** Limited-range YUV: red is Y 81, U 90, V 240; blue is Y 41, U 240, V 110; the box is mid grey. */
    private static void paint(AVFrame frame, int index) {
        int width = frame.width();
        int height = frame.height();
        int box = Math.max(8, Math.min(width, height) / 8) & ~1;
        int boxX = (index * 4) % Math.max(1, width - box) & ~1;
        int boxY = (height / 2 - box / 2) & ~1;
        byte[] row = new byte[width];
        for (int y = 0; y < height; y++) {
            Arrays.fill(row, 0, width / 2, (byte) 81);
            Arrays.fill(row, width / 2, width, (byte) 41);
            if (y >= boxY && y < boxY + box) {
                Arrays.fill(row, boxX, boxX + box, (byte) 128);
            }
            frame.data(0).position((long) y * frame.linesize(0)).put(row, 0, width);
        }
        byte[] u = new byte[width / 2];
        byte[] v = new byte[width / 2];
        for (int y = 0; y < height / 2; y++) {
            Arrays.fill(u, 0, width / 4, (byte) 90);
            Arrays.fill(u, width / 4, width / 2, (byte) 240);
            Arrays.fill(v, 0, width / 4, (byte) 240);
            Arrays.fill(v, width / 4, width / 2, (byte) 110);
            if (y >= boxY / 2 && y < (boxY + box) / 2) {
                Arrays.fill(u, boxX / 2, (boxX + box) / 2, (byte) 128);
                Arrays.fill(v, boxX / 2, (boxX + box) / 2, (byte) 128);
            }
            frame.data(1).position((long) y * frame.linesize(1)).put(u, 0, width / 2);
            frame.data(2).position((long) y * frame.linesize(2)).put(v, 0, width / 2);
        }
    }

    /** Rows of a texture wider than the frame, so that each picture is a window panned 4 pixels on. */
    private static final class Texture {
        private static final int PAN = 4;
        private final byte[][] luma;
        private final byte[][] chroma;

        Texture(int width, int height, int frames) {
            Random random = new Random(42);
            int wide = width + PAN * frames;
            luma = new byte[height][wide];
            chroma = new byte[height / 2][wide / 2];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < wide; x++) {
                    double value = 128 + 50 * Math.sin(x / 29.0) * Math.cos(y / 37.0) + 30 * Math.sin((x + y) / 97.0);
                    luma[y][x] = (byte) Math.max(16, Math.min(235, (int) value + random.nextInt(5) - 2));
                }
            }
            for (int y = 0; y < height / 2; y++) {
                for (int x = 0; x < wide / 2; x++) {
                    chroma[y][x] = (byte) (128 + 40 * Math.sin(x / 31.0 + y / 17.0));
                }
            }
        }

        void paint(AVFrame frame, int index) {
            int width = frame.width();
            for (int y = 0; y < frame.height(); y++) {
                frame.data(0).position((long) y * frame.linesize(0)).put(luma[y], PAN * index, width);
            }
            for (int y = 0; y < frame.height() / 2; y++) {
                frame.data(1).position((long) y * frame.linesize(1)).put(chroma[y], PAN * index / 2, width / 2);
                frame.data(2).position((long) y * frame.linesize(2)).put(chroma[frame.height() / 2 - 1 - y], PAN * index / 2, width / 2);
            }
        }
    }

    private static void tone(AVFrame frame, AVCodecContext encoder, long firstSample) {
        frame.nb_samples(SAMPLES_PER_FRAME).format(encoder.sample_fmt()).sample_rate(SAMPLE_RATE);
        av_channel_layout_default(frame.ch_layout(), 2);
        if (frame.data(0) == null || frame.data(0).isNull()) {
            check(av_frame_get_buffer(frame, 0), "sample buffer");
        }
        check(av_frame_make_writable(frame), "writable samples");
        float[] wave = new float[SAMPLES_PER_FRAME];
        for (int i = 0; i < wave.length; i++) {
            wave[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * (firstSample + i) / SAMPLE_RATE));
        }
        if (encoder.sample_fmt() == AV_SAMPLE_FMT_FLTP) {
            new FloatPointer(frame.data(0)).put(wave);
            new FloatPointer(frame.data(1)).put(wave);
        } else {
            short[] interleaved = new short[2 * SAMPLES_PER_FRAME];
            for (int i = 0; i < wave.length; i++) {
                interleaved[2 * i] = interleaved[2 * i + 1] = (short) (wave[i] * Short.MAX_VALUE);
            }
            new ShortPointer(frame.data(0)).put(interleaved);
        }
        frame.pts(firstSample);
    }

    private static void check(int result, String what) {
        if (result < 0) {
            throw new IllegalStateException(what + ": " + FfmpegErrors.describe(result));
        }
    }
}
