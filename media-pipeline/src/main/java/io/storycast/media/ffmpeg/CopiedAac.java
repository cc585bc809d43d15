package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avformat.avformat_index_get_entries_count;
import static org.bytedeco.ffmpeg.global.avformat.avformat_index_get_entry;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

/**
 * AAC audio copied packet for packet: no generation loss and no encoding time. Every rendition carries the
 * same track, whatever bit rate its profile names (the source's own rate is what the byte budget counts),
 * cut into segments at whole packets ({@link CopiedSegments}).
 */
final class CopiedAac implements AacAudio {
    /** Assumed when the header does not say: the most a profile may ask for. */
    private static final long UNKNOWN_BITS_PER_SECOND = 320_000;

    private final AVCodecParameters parameters = avcodec_parameters_alloc();
    private final Track track;

    CopiedAac(AVStream stream) {
        int copied = avcodec_parameters_copy(parameters, stream.codecpar());
        if (copied < 0) {
            avcodec_parameters_free(parameters);
            throw new OutOfMemoryError("cannot copy the audio parameters: " + FfmpegErrors.describe(copied));
        }
        parameters.codec_tag(0); // the MP4 muxer picks its own tag (mp4a)
        AVRational timeBase = av_make_q(stream.time_base().num(), stream.time_base().den());
        long bitsPerSecond = parameters.bit_rate() > 0 ? parameters.bit_rate() : UNKNOWN_BITS_PER_SECOND;
        this.track = new Track(parameters, timeBase, bitsPerSecond);
    }

    /**
     * Whether the stream's packets, as the MP4 index lists them (read from the header, nothing decoded), lie
     * on the video's timeline closely enough to be copied: a packet starts within half a packet of time 0,
     * every packet follows the one before without a gap or overlap of half a packet or more (counted from
     * the first, so small ones cannot add up), and the last ends no more than half a packet before the video.
     * Anything else is re-encoded, which pads and trims the sound to the video's timeline to the sample.
     * A stream without an index (a fragmented MP4) is re-encoded too: nothing says where it lies.
     */
    static boolean fitsTheTimeline(AVStream audio, AVStream video) {
        int packets = avformat_index_get_entries_count(audio);
        if (packets < 2) {
            return false;
        }
        long first = avformat_index_get_entry(audio, 0).timestamp();
        long step = avformat_index_get_entry(audio, 1).timestamp() - first;
        if (step <= 0 || first > step / 2) {
            return false;
        }
        for (int i = 2; i < packets; i++) {
            if (Math.abs(avformat_index_get_entry(audio, i).timestamp() - first - i * step) >= step / 2) {
                return false;
            }
        }
        long end = first + packets * step;
        long videoEnd = video.duration() > 0 ? av_rescale_q(video.duration(), video.time_base(), audio.time_base()) : 0;
        return end > videoEnd - step / 2;
    }

    @Override
    public SegmentAudio segments(VideoRendition rendition, AudioCut.Writer writer) {
        return new CopiedSegments(track, rendition, writer);
    }

    @Override
    public void encode(AVFrame frame) {
        throw new IllegalStateException("copied sound comes as packets");
    }

    @Override
    public long encodedFrames() {
        return 0;
    }

    @Override
    public void accept(AVPacket packet, Sink sink) throws MediaRejectedException {
        sink.audioPacket(packet);
    }

    @Override
    public void flush(Sink sink) {
        // nothing held back
    }

    @Override
    public void close() {
        avcodec_parameters_free(parameters);
    }
}
