package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PROFILE_H264_CONSTRAINED;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_profile_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

/**
 * What a player finds in an MP4: each track's codec (and the video's H.264 profile), the picture size, every video packet (key or not, its
 * timestamp), the number of pictures that decode, the first picture itself, where each track's first
 * packet is on the file's timeline, and, from decoding everything, when the picture turns white and when a
 * beep starts (the sync marks of {@link TestClip#beeps()}).
 */
record ProbedVideo(String videoCodec, String videoProfile, String audioCodec, int width, int height, List<Long> videoPts,
                   List<Integer> keyframes, int decodedFrames, long videoDurationMillis, long audioDurationMillis,
                   Picture first, double videoStartSeconds, double audioStartSeconds, int audioSampleRate, long audioSamples,
                   List<Double> flashes, List<Double> beeps) {

    /** The first decoded picture, 8-bit 4:2:0, and its colour tags. */
    record Picture(int width, int height, byte[] luma, byte[] cb, byte[] cr, int primaries, int transfer, int matrix,
                   int sarNum, int sarDen) {
        /** @return {Y, U, V} at a pixel */
        int[] yuv(int x, int y) {
            return new int[]{luma[y * width + x] & 0xFF, cb[(y / 2) * (width / 2) + x / 2] & 0xFF, cr[(y / 2) * (width / 2) + x / 2] & 0xFF};
        }

        /** @return {U, V} at a pixel */
        int[] uv(int x, int y) {
            int[] yuv = yuv(x, y);
            return new int[]{yuv[1], yuv[2]};
        }

        /** @return the first row from the top, down the middle column, that is not black (a pad band's height) */
        int firstLitRow() {
            for (int y = 0; y < height; y++) {
                if (yuv(width / 2, y)[0] > 30) {
                    return y;
                }
            }
            return height;
        }
    }

    /** A beep starts when the sound passes this after at least {@link #BEEP_GAP_SECONDS} below it. */
    private static final double BEEP_THRESHOLD = 0.1;
    private static final double BEEP_GAP_SECONDS = 0.05;

    /** @return whether every picture follows the one before by the same time */
    boolean constantFrameRate() {
        for (int i = 2; i < videoPts.size(); i++) {
            if (videoPts.get(i) - videoPts.get(i - 1) != videoPts.get(1) - videoPts.get(0)) {
                return false;
            }
        }
        return true;
    }

    /** @return the decoded sound's length, in seconds */
    double audioSeconds() {
        return audioSampleRate == 0 ? 0 : (double) audioSamples / audioSampleRate;
    }

    /** Demuxes and decodes {@code mp4} with FFmpeg, as a client would. */
    static ProbedVideo of(ByteBuf mp4) throws MediaRejectedException {
        AVPacket packet = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        AVCodecContext sound = null;
        try (VideoSource source = VideoSource.open(mp4, MediaLimits.DEFAULTS, System.nanoTime() + 30_000_000_000L);
             VideoDecoder decoder = new VideoDecoder(source.video(), MediaLimits.DEFAULTS, 1)) {
            AVStream video = source.video();
            AVStream audio = source.audio();
            sound = audio == null ? null : audioDecoder(audio);
            Pictures pictures = new Pictures(video.time_base());
            Sound heard = new Sound();
            List<Long> pts = new ArrayList<>();
            List<Integer> keyframes = new ArrayList<>();
            double videoStart = Double.NaN;
            double audioStart = Double.NaN;
            while (source.read(packet)) {
                try {
                    if (packet.stream_index() == video.index()) {
                        if ((packet.flags() & AV_PKT_FLAG_KEY) != 0) {
                            keyframes.add(pts.size());
                        }
                        if (pts.isEmpty()) {
                            videoStart = seconds(packet.pts(), video.time_base());
                        }
                        pts.add(packet.pts());
                        decoder.send(packet);
                        pictures.drain(decoder, frame);
                    } else if (audio != null && packet.stream_index() == audio.index()) {
                        if (Double.isNaN(audioStart)) {
                            audioStart = seconds(packet.pts(), audio.time_base());
                        }
                        avcodec_send_packet(sound, packet);
                        heard.drain(sound, frame);
                    }
                } finally {
                    av_packet_unref(packet);
                }
            }
            decoder.send(null);
            pictures.drain(decoder, frame);
            if (sound != null) {
                avcodec_send_packet(sound, null);
                heard.drain(sound, frame);
            }
            return new ProbedVideo(avcodec_get_name(video.codecpar().codec_id()).getString(), h264Profile(video),
                    audio == null ? null : avcodec_get_name(audio.codecpar().codec_id()).getString(),
                    video.codecpar().width(), video.codecpar().height(), pts, keyframes, pictures.decoded,
                    VideoSource.millis(video.duration(), video.time_base()),
                    audio == null ? 0 : VideoSource.millis(audio.duration(), audio.time_base()),
                    pictures.first, videoStart, audioStart, heard.rate, heard.samples, pictures.flashes, heard.beeps());
        } finally {
            if (sound != null) {
                avcodec_free_context(sound);
            }
            av_frame_free(frame);
            av_packet_free(packet);
        }
    }

    /**
     * @return the H.264 profile's name as FFmpeg names it, from the {@code avcC} record's profile and
     *         constraint flags (the demuxer fills in no profile without {@code avformat_find_stream_info}); null
     *         for a stream without one
     */
    private static String h264Profile(AVStream video) {
        int size = video.codecpar().extradata_size();
        if (video.codecpar().codec_id() != AV_CODEC_ID_H264 || size < 4) {
            return null;
        }
        BytePointer avcC = video.codecpar().extradata();
        int profile = avcC.get(1) & 0xFF;
        boolean constrainedSet1 = (avcC.get(2) & 0x40) != 0;
        BytePointer name = avcodec_profile_name(AV_CODEC_ID_H264, profile | (constrainedSet1 ? AV_PROFILE_H264_CONSTRAINED : 0));
        return name == null || name.isNull() ? null : name.getString();
    }

    private static AVCodecContext audioDecoder(AVStream stream) {
        AVCodec codec = avcodec_find_decoder(stream.codecpar().codec_id());
        AVCodecContext context = avcodec_alloc_context3(codec);
        TestClip.check(avcodec_parameters_to_context(context, stream.codecpar()), "audio parameters");
        context.pkt_timebase(stream.time_base());
        TestClip.check(avcodec_open2(context, codec, (AVDictionary) null), "audio decoder");
        return context;
    }

    private static double seconds(long timestamp, AVRational timeBase) {
        return timestamp == AV_NOPTS_VALUE ? Double.NaN : (double) timestamp * timeBase.num() / timeBase.den();
    }

    /** The decoded pictures: the first kept whole, each white one's start noted. */
    private static final class Pictures {
        private final AVRational timeBase;
        private final List<Double> flashes = new ArrayList<>();
        private Picture first;
        private int decoded;
        private boolean white;

        Pictures(AVRational timeBase) {
            this.timeBase = timeBase;
        }

        void drain(VideoDecoder decoder, AVFrame frame) {
            while (decoder.receive(frame)) {
                try {
                    if (decoded++ == 0) {
                        first = copy(frame);
                    }
                    boolean nowWhite = (frame.data(0).get((long) (frame.height() / 2) * frame.linesize(0) + frame.width() / 2) & 0xFF) > 200;
                    if (nowWhite && !white) {
                        flashes.add(seconds(frame.pts(), timeBase));
                    }
                    white = nowWhite;
                } finally {
                    av_frame_unref(frame);
                }
            }
        }

        private static Picture copy(AVFrame frame) {
            int w = frame.width();
            int h = frame.height();
            byte[] luma = new byte[w * h];
            byte[] cb = new byte[(w / 2) * (h / 2)];
            byte[] cr = new byte[(w / 2) * (h / 2)];
            for (int y = 0; y < h; y++) {
                frame.data(0).position((long) y * frame.linesize(0)).get(luma, y * w, w);
            }
            for (int y = 0; y < h / 2; y++) {
                frame.data(1).position((long) y * frame.linesize(1)).get(cb, y * (w / 2), w / 2);
                frame.data(2).position((long) y * frame.linesize(2)).get(cr, y * (w / 2), w / 2);
            }
            return new Picture(w, h, luma, cb, cr, frame.color_primaries(), frame.color_trc(), frame.colorspace(),
                    frame.sample_aspect_ratio().num(), frame.sample_aspect_ratio().den());
        }
    }

    /** The decoded sound, first channel: its length, and each beep's start counted in samples from the file's start. */
    private static final class Sound {
        private final List<Long> onsets = new ArrayList<>();
        private int rate;
        private long samples;
        private long lastLoud = Long.MIN_VALUE / 2;

        void drain(AVCodecContext decoder, AVFrame frame) {
            while (avcodec_receive_frame(decoder, frame) == 0) {
                try {
                    if (frame.format() != AV_SAMPLE_FMT_FLTP) {
                        throw new IllegalStateException("expected planar float from the AAC decoder, got " + frame.format());
                    }
                    rate = frame.sample_rate();
                    float[] channel = new float[frame.nb_samples()];
                    new FloatPointer(frame.data(0)).get(channel);
                    for (int i = 0; i < channel.length; i++) {
                        if (Math.abs(channel[i]) > BEEP_THRESHOLD) {
                            long at = samples + i;
                            if (at - lastLoud > BEEP_GAP_SECONDS * rate) {
                                onsets.add(at);
                            }
                            lastLoud = at;
                        }
                    }
                    samples += channel.length;
                } finally {
                    av_frame_unref(frame);
                }
            }
        }

        List<Double> beeps() {
            return onsets.stream().map(at -> (double) at / rate).toList();
        }
    }

    @Override
    public String toString() {
        return "ProbedVideo[" + videoCodec + "/" + audioCodec + " " + width + "x" + height + ", " + decodedFrames + " frames, video from "
                + videoStartSeconds + " s for " + videoDurationMillis + " ms, audio from " + audioStartSeconds + " s for "
                + audioDurationMillis + " ms (" + audioSeconds() + " s decoded), flashes " + flashes + ", beeps " + beeps
                + ", keyframes " + keyframes + ", first picture SAR " + (first == null ? "-" : first.sarNum() + ":" + first.sarDen()) + "]";
    }
}
