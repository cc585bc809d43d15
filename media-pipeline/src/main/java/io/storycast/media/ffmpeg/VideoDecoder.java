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

    /** FFmpeg's {@code transpose} directions, by their number. */
    private static final String[] TRANSPOSE = {"cclock_flip", "clock", "cclock", "clock_flip"};

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
     * @return the filters that show the stream's pictures as its display matrix says, or an empty string: a
     *         rotation (a phone held upright records landscape pictures and a 90 degree turn), a mirror (some
     *         front cameras), or both
     */
    static String uprightFilters(AVStream stream) {
        AVCodecParameters parameters = stream.codecpar();
        AVPacketSideData matrix = av_packet_side_data_get(parameters.coded_side_data(), parameters.nb_coded_side_data(),
                AV_PKT_DATA_DISPLAYMATRIX);
        if (matrix == null || matrix.isNull() || matrix.size() < 9 * 4) {
            return "";
        }
        IntPointer entries = new IntPointer(matrix.data());
        return upright(entries.get(0) / 65536.0, entries.get(1) / 65536.0, entries.get(3) / 65536.0, entries.get(4) / 65536.0);
    }

    /**
     * The display matrix maps a stored pixel {@code (x, y)} (y down) to where it is shown:
     * {@code (a*x + c*y, b*x + d*y)} plus a translation. It is taken apart into a mirror (a negative
     * determinant) and a rotation rounded to a quarter turn, put back together exactly, and each of the eight
     * results is one filter (FFmpeg's {@code transpose} directions cover the four that swap the axes).
     *
     * @return the filters, or an empty string for none (or a matrix that shows nothing)
     */
    static String upright(double a, double b, double c, double d) {
        double determinant = a * d - b * c;
        if (!(Math.abs(determinant) > 1e-9)) {
            return ""; // degenerate or not a number: show the pictures as stored
        }
        boolean mirrored = determinant < 0;
        // Mirrored: the matrix is a rotation after x -> -x, whose first column is (-a, -b).
        double clockwise = Math.toDegrees(mirrored ? Math.atan2(-b, -a) : Math.atan2(b, a));
        int quarter = Math.floorMod(Math.round(clockwise / 90), 4);
        int cos = quarter == 0 ? 1 : quarter == 2 ? -1 : 0;
        int sin = quarter == 1 ? 1 : quarter == 3 ? -1 : 0;
        int exactA = mirrored ? -cos : cos;
        int exactB = mirrored ? -sin : sin;
        int exactC = -sin;
        int exactD = cos;
        if (exactB == 0) {
            return exactA > 0 ? (exactD > 0 ? "" : "vflip") : (exactD > 0 ? "hflip" : "hflip,vflip");
        }
        // transpose: cclock_flip maps (x, y) to (y, x), clock to (-y, x), cclock to (y, -x), clock_flip to (-y, -x).
        return "transpose=" + TRANSPOSE[(exactC < 0 ? 1 : 0) + (exactB < 0 ? 2 : 0)];
    }

    @Override
    public void close() {
        avcodec_free_context(context);
    }
}
