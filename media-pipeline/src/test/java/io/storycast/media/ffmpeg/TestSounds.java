package io.storycast.media.ffmpeg;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/** The sound of the test clips, stereo: a 440 Hz tone at 0.3, or silence with 1 kHz beeps at 0.5 at the sync marks. */
final class TestSounds {
    static final int SAMPLES_PER_FRAME = 1024;
    static final double BEEP_AMPLITUDE = 0.5;

    private TestSounds() {
    }

    static AVCodecContext encoder(TestVideos.Audio audio, int sampleRate, boolean globalHeader) {
        AVCodec codec = avcodec_find_encoder_by_name(audio == TestVideos.Audio.AAC ? "aac" : "pcm_s16le");
        AVCodecContext encoder = avcodec_alloc_context3(codec);
        encoder.sample_fmt(audio == TestVideos.Audio.AAC ? AV_SAMPLE_FMT_FLTP : AV_SAMPLE_FMT_S16).sample_rate(sampleRate)
                .time_base(av_make_q(1, sampleRate)).bit_rate(128_000);
        av_channel_layout_default(encoder.ch_layout(), 2);
        if (globalHeader) {
            encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        TestClip.check(avcodec_open2(encoder, codec, (AVDictionary) null), "open " + audio);
        return encoder;
    }

    /** Fills {@code frame} with {@link #SAMPLES_PER_FRAME} samples from {@code firstSample} (from the video's time 0). */
    static void fill(AVFrame frame, AVCodecContext encoder, long firstSample, boolean beeps) {
        int rate = encoder.sample_rate();
        frame.nb_samples(SAMPLES_PER_FRAME).format(encoder.sample_fmt()).sample_rate(rate);
        av_channel_layout_default(frame.ch_layout(), 2);
        if (frame.data(0) == null || frame.data(0).isNull()) {
            TestClip.check(av_frame_get_buffer(frame, 0), "sample buffer");
        }
        TestClip.check(av_frame_make_writable(frame), "writable samples");
        float[] wave = new float[SAMPLES_PER_FRAME];
        for (int i = 0; i < wave.length; i++) {
            double seconds = (double) (firstSample + i) / rate;
            wave[i] = beeps
                    ? (TestPictures.marked(seconds) ? (float) (BEEP_AMPLITUDE * Math.sin(2 * Math.PI * 1000 * seconds)) : 0f)
                    : (float) (0.3 * Math.sin(2 * Math.PI * 440 * seconds));
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
    }
}
