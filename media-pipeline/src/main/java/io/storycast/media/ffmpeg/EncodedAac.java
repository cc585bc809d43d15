package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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
 * Sound that is not copied (another codec, more than two channels, or AAC that does not lie on the video's
 * timeline) decoded once and resampled once ({@link AudioResampler}) to planar float at a rate the AAC
 * encoder takes, mono or stereo, on a timeline that starts at the video's time 0 (silence where the sound
 * starts late, gaps filled); then encoded into segments once per distinct format, a bit rate and a segment
 * length ({@link AacSegmentEncoder}), however many renditions ask for that format: each rendition only cuts
 * the packets against its own pictures ({@link EncodedSegments}). The shipped profiles ask for one format.
 */
final class EncodedAac implements AacAudio {
    /** What the AAC packets depend on: renditions that agree on it carry the same packets. */
    private record Format(int bitsPerSecond, int segmentSeconds) {
    }

    /** Rates the AAC encoder takes that are common in the wild; others are resampled to 48 kHz. */
    private static final Set<Integer> KEPT_RATES = Set.of(48_000, 44_100, 32_000, 24_000, 22_050, 16_000);
    /** Samples per frame handed on: one AAC frame. */
    private static final int FRAME_SAMPLES = 1024;

    private final AVRational sourceTimeBase;
    private final AVCodecContext decoder;
    private final AVFrame decoded = av_frame_alloc();
    private final AVFrame resampled = av_frame_alloc();
    private final int sampleRate;
    private final int channels;
    /** Made by {@link #segments} before the encoding thread starts, read by it afterwards. */
    private final Map<Format, AacSegmentEncoder> encoders = new LinkedHashMap<>();
    private AudioResampler resampler;

    EncodedAac(AVStream stream) throws MediaRejectedException {
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
            sampleRate = KEPT_RATES.contains(decoder.sample_rate()) ? decoder.sample_rate() : 48_000;
            channels = decoder.ch_layout().nb_channels() == 1 ? 1 : 2;
            opened = true;
        } finally {
            if (!opened) {
                close();
            }
        }
    }

    @Override
    public SegmentAudio segments(VideoRendition rendition, AudioCut.Writer writer) {
        AacSegmentEncoder encoder = encoders.computeIfAbsent(new Format(rendition.audioBitsPerSecond(), rendition.maxSegmentSeconds()),
                format -> new AacSegmentEncoder(format.bitsPerSecond(), format.segmentSeconds(), sampleRate, channels));
        return new EncodedSegments(encoder, rendition, writer);
    }

    @Override
    public void encode(AVFrame frame) throws MediaRejectedException {
        for (AacSegmentEncoder encoder : encoders.values()) {
            encoder.frame(frame);
        }
    }

    @Override
    public long encodedFrames() {
        return encoders.values().stream().mapToLong(AacSegmentEncoder::encodedFrames).sum();
    }

    @Override
    public void accept(AVPacket packet, Sink sink) throws MediaRejectedException {
        // A packet the decoder refuses is skipped: the resampler fills its place with silence.
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
    }

    private void drainDecoder(Sink sink) throws MediaRejectedException {
        while (avcodec_receive_frame(decoder, decoded) == 0) {
            try {
                if (resampler == null) {
                    resampler = new AudioResampler(decoded, sampleRate, channels, FRAME_SAMPLES);
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
                sink.audioFrame(resampled);
            } finally {
                av_frame_unref(resampled);
            }
        }
    }

    @Override
    public void close() {
        encoders.values().forEach(AacSegmentEncoder::close);
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
    }
}
