package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

/**
 * Audio of another codec (PCM, MP3, Opus…) decoded once, resampled once ({@link AudioResampler}) and
 * encoded by FFmpeg's native {@code aac} encoder once per distinct bit rate ({@link AacEncoder}).
 */
final class EncodedAac implements AacAudio {
    /** Rates the AAC encoder takes that are common in the wild; others are resampled to 48 kHz. */
    private static final Set<Integer> KEPT_RATES = Set.of(48_000, 44_100, 32_000, 24_000, 22_050, 16_000);

    private final AVRational sourceTimeBase;
    private final AVCodecContext decoder;
    private final Map<Integer, AacEncoder> encoders = new LinkedHashMap<>();
    private final AVFrame decoded = av_frame_alloc();
    private final AVFrame resampled = av_frame_alloc();
    private final AVPacket packet = av_packet_alloc();
    private AudioResampler resampler;

    EncodedAac(AVStream stream, Collection<Integer> bitRates) throws MediaRejectedException {
        this.sourceTimeBase = stream.time_base();
        AVCodec codec = avcodec_find_decoder(stream.codecpar().codec_id());
        decoder = codec == null ? null : avcodec_alloc_context3(codec);
        boolean opened = false;
        try {
            if (decoder == null) {
                throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "no decoder for the video's audio codec");
            }
            int copied = avcodec_parameters_to_context(decoder, stream.codecpar());
            if (copied < 0) {
                throw FfmpegErrors.corrupt("cannot read the audio's codec parameters", copied);
            }
            decoder.pkt_timebase(stream.time_base());
            decoder.thread_count(1);
            int result = avcodec_open2(decoder, codec, (AVDictionary) null);
            if (result < 0) {
                throw FfmpegErrors.corrupt("cannot open the audio decoder", result);
            }
            int sampleRate = KEPT_RATES.contains(decoder.sample_rate()) ? decoder.sample_rate() : 48_000;
            int channels = decoder.ch_layout().nb_channels() == 1 ? 1 : 2;
            for (int bitRate : bitRates) {
                if (!encoders.containsKey(bitRate)) {
                    encoders.put(bitRate, new AacEncoder(bitRate, sampleRate, channels));
                }
            }
            opened = true;
        } finally {
            if (!opened) {
                close();
            }
        }
    }

    @Override
    public Track track(int bitsPerSecond) {
        AacEncoder encoder = encoders.get(bitsPerSecond);
        if (encoder == null) {
            throw new IllegalArgumentException("no AAC encoder at " + bitsPerSecond + " b/s was asked for");
        }
        return encoder.track();
    }

    @Override
    public void accept(AVPacket packet, Sink sink) throws MediaRejectedException {
        // A packet the decoder refuses is skipped: a gap in the sound, as players make of it.
        avcodec_send_packet(decoder, packet);
        drainDecoder(sink);
    }

    @Override
    public void flush(Sink sink) throws MediaRejectedException {
        avcodec_send_packet(decoder, null);
        drainDecoder(sink);
        if (resampler != null) {
            resampler.end();
            drainResampler(sink);
        }
        for (AacEncoder encoder : encoders.values()) {
            encoder.encode(null, packet, sink);
        }
    }

    private void drainDecoder(Sink sink) throws MediaRejectedException {
        while (avcodec_receive_frame(decoder, decoded) == 0) {
            try {
                if (resampler == null) {
                    resampler = new AudioResampler(decoded, encoders.values().iterator().next().context());
                }
                decoded.pts(decoded.best_effort_timestamp());
                if (resampler.push(decoded, sourceTimeBase)) {
                    drainResampler(sink);
                }
            } finally {
                av_frame_unref(decoded);
            }
        }
    }

    private void drainResampler(Sink sink) throws MediaRejectedException {
        while (resampler.pull(resampled)) {
            try {
                for (AacEncoder encoder : encoders.values()) {
                    encoder.encode(resampled, packet, sink);
                }
            } finally {
                av_frame_unref(resampled);
            }
        }
    }

    @Override
    public void close() {
        encoders.values().forEach(AacEncoder::close);
        encoders.clear();
        if (resampler != null) {
            resampler.close();
            resampler = null;
        }
        if (decoder != null) {
            avcodec_free_context(decoder);
        }
        av_frame_free(decoded);
        av_frame_free(resampled);
        av_packet_free(packet);
    }
}
