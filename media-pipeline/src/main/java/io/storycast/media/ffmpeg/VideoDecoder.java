package io.storycast.media.ffmpeg;

import io.storycast.media.MediaLimits;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.IntPointer;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_display_rotation_get;

/**
 * The decoder of a video stream, opened once per job. It refuses frames above the pixel limit
 * ({@code max_pixels}), a second guard behind the header check for a bitstream that claims another size
 * than its container. Frames come out with {@code pts} set to FFmpeg's best-effort timestamp in the
 * stream's time base.
 *
 * <p>Ownership: frees its codec context on {@link #close()}; frames it fills belong to the caller.
 */
final class VideoDecoder implements AutoCloseable {
    /** {@code FF_THREAD_FRAME | FF_THREAD_SLICE}: whichever the codec supports. */
    private static final int FRAME_AND_SLICE_THREADS = 3;

    private final AVCodecContext context;

    /**
     * @param threads decoding threads, at least 1
     * @throws MediaRejectedException UNSUPPORTED_TYPE when this FFmpeg build has no decoder for the codec,
     *                                CORRUPT when the codec parameters do not open it
     */
    VideoDecoder(AVStream stream, MediaLimits limits, int threads) throws MediaRejectedException {
        AVCodec codec = avcodec_find_decoder(stream.codecpar().codec_id());
        if (codec == null) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "no decoder for the video's codec");
        }
        context = avcodec_alloc_context3(codec);
        boolean opened = false;
        try {
            int copied = avcodec_parameters_to_context(context, stream.codecpar());
            if (copied < 0) {
                throw FfmpegErrors.corrupt("cannot read the video's codec parameters", copied);
            }
            context.pkt_timebase(stream.time_base());
            context.max_pixels(limits.maxPixels());
            context.thread_count(threads);
            context.thread_type(FRAME_AND_SLICE_THREADS);
            int result = avcodec_open2(context, codec, (AVDictionary) null);
            if (result < 0) {
                throw FfmpegErrors.corrupt("cannot open the video decoder", result);
            }
            opened = true;
        } finally {
            if (!opened) {
                avcodec_free_context(context);
            }
        }
    }

    /**
     * @param packet a packet of the stream, or null to drain the decoder at the end
     */
    void send(AVPacket packet) {
        // A packet the decoder refuses (a bit flip, a cut) is skipped, as players do; a stream of nothing
        // but such packets ends with no picture, which the caller rejects.
        avcodec_send_packet(context, packet);
    }

    /**
     * @return whether {@code frame} now holds a decoded picture (the caller unrefs it); false when the
     *         decoder needs another packet, is drained, or could not rebuild a picture (dropped, as players do)
     */
    boolean receive(AVFrame frame) {
        // A frame-threaded decoder reports a broken picture on its own and still holds the next ones; a
        // bounded number of tries keeps a decoder that repeats an error from looping forever.
        for (int tries = 0; tries < 16; tries++) {
            int received = avcodec_receive_frame(context, frame);
            if (received == 0) {
                frame.pts(frame.best_effort_timestamp());
                return true;
            }
            if (received == FfmpegErrors.AGAIN || received == AVERROR_EOF()) {
                return false;
            }
        }
        return false;
    }

    /**
     * @return the filters that turn the stream's pictures upright from its display matrix (a phone held
     *         upright records landscape pictures and a 90 degree rotation), or an empty string
     */
    static String uprightFilters(AVStream stream) {
        AVCodecParameters parameters = stream.codecpar();
        AVPacketSideData matrix = av_packet_side_data_get(parameters.coded_side_data(), parameters.nb_coded_side_data(),
                AV_PKT_DATA_DISPLAYMATRIX);
        if (matrix == null || matrix.isNull() || matrix.size() < 9 * 4) {
            return "";
        }
        // av_display_rotation_get: counter-clockwise degrees; the picture must turn clockwise by as much back.
        double counterClockwise = av_display_rotation_get(new IntPointer(matrix.data()));
        if (Double.isNaN(counterClockwise)) {
            return "";
        }
        long clockwise = Math.floorMod(-Math.round(counterClockwise), 360);
        return switch ((int) ((clockwise + 45) / 90 % 4)) {
            case 1 -> "transpose=clock";
            case 2 -> "hflip,vflip";
            case 3 -> "transpose=cclock";
            default -> "";
        };
    }

    @Override
    public void close() {
        avcodec_free_context(context);
    }
}
