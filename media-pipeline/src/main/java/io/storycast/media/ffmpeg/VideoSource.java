package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.probe.Mp4Duration;
import io.storycast.media.probe.SourceFormat;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_NONE;
import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_ATTACHED_PIC;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_TIME_BASE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

/**
 * A video upload opened for demuxing, through {@link NativeInput} and only FFmpeg's {@code mov} demuxer (MP4
 * and QuickTime): no protocol may be opened ({@code protocol_whitelist} names none, external data references
 * are off), so nothing in the file can make FFmpeg read another file or URL, and an HLS playlist or concat
 * list is never parsed as one.
 *
 * <p>The header is checked before any frame is decoded: a video stream must be there, its frame within the
 * pixel limit, no Dolby Vision without a base layer of its own ({@link DolbyVision}), and the duration the
 * container and its streams claim within the duration limit.
 * {@code avformat_find_stream_info} is never called: it would decode frames to fill in what the MP4 sample
 * description already says.
 *
 * <p>Ownership: frees its demuxer and input context on {@link #close()}; the upload stays the caller's.
 */
final class VideoSource implements AutoCloseable {
    /** {@code AVFMT_FLAG_CUSTOM_IO}: the caller owns {@code pb}; close must not free it. */
    private static final int CUSTOM_IO = 0x0080;

    private final NativeInput input;
    private final AVFormatContext container;
    private final AVStream video;
    private final AVStream audio;

    private VideoSource(NativeInput input, AVFormatContext container, AVStream video, AVStream audio) {
        this.input = input;
        this.container = container;
        this.video = video;
        this.audio = audio;
    }

    /**
     * @param upload the upload, readable bytes from its reader index; must outlive this source
     * @throws MediaRejectedException CORRUPT when the demuxer cannot read it or it has no video,
     *                                TOO_MANY_PIXELS / TOO_LONG when its header claims too much, TIMED_OUT
     */
    static VideoSource open(ByteBuf upload, MediaLimits limits, long deadlineNanos) throws MediaRejectedException {
        AVInputFormat demuxer = av_find_input_format(SourceFormat.MP4.demuxer());
        if (demuxer == null) {
            throw new IllegalStateException("this FFmpeg build lacks the mov demuxer");
        }
        NativeInput input = new NativeInput(upload, deadlineNanos);
        AVFormatContext container = null;
        boolean opened = false;
        try {
            container = avformat_alloc_context();
            container.pb(input.context());
            container.flags(container.flags() | CUSTOM_IO);
            AVDictionary options = new AVDictionary(null);
            av_dict_set(options, "format_whitelist", SourceFormat.MP4.demuxer(), 0);
            av_dict_set(options, "protocol_whitelist", "none", 0);
            av_dict_set(options, "enable_drefs", "0", 0);
            int result = avformat_open_input(container, (String) null, demuxer, options);
            av_dict_free(options);
            if (result < 0) {
                container = null; // FFmpeg freed it (not our pb, which the input frees)
                throw input.timedOut() ? timedOut() : FfmpegErrors.corrupt("cannot open the video", result);
            }
            AVStream video = firstStream(container, AVMEDIA_TYPE_VIDEO);
            if (video == null) {
                throw new MediaRejectedException(MediaProblem.CORRUPT, "the file has no video stream");
            }
            checkHeader(container, video, limits, Mp4Duration.claimedMillis(upload));
            VideoSource source = new VideoSource(input, container, video, firstStream(container, AVMEDIA_TYPE_AUDIO));
            opened = true;
            return source;
        } finally {
            if (!opened) {
                if (container != null) {
                    avformat_close_input(container);
                }
                input.close();
            }
        }
    }

    private static AVStream firstStream(AVFormatContext container, int mediaType) {
        for (int i = 0; i < container.nb_streams(); i++) {
            AVStream stream = container.streams(i);
            if (stream.codecpar().codec_type() == mediaType && (stream.disposition() & AV_DISPOSITION_ATTACHED_PIC) == 0) {
                return stream;
            }
        }
        return null;
    }

    private static void checkHeader(AVFormatContext container, AVStream video, MediaLimits limits, long movieMillis)
            throws MediaRejectedException {
        AVCodecParameters parameters = video.codecpar();
        long pixels = (long) parameters.width() * parameters.height();
        if (parameters.width() <= 0 || parameters.height() <= 0) {
            throw new MediaRejectedException(MediaProblem.CORRUPT, "the video's header gives no frame size");
        }
        if (pixels > limits.maxPixels()) {
            throw new MediaRejectedException(MediaProblem.TOO_MANY_PIXELS, "the header claims " + parameters.width() + "x"
                    + parameters.height() + " = " + pixels + " pixels; the limit is " + limits.maxPixels());
        }
        if (parameters.codec_id() == AV_CODEC_ID_NONE) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "the video's codec is unknown");
        }
        DolbyVision.check(parameters);
        // The longest of what the movie header, the container and each stream claim: a file may lie in one place only.
        long claimedMillis = Math.max(movieMillis, container.duration() == AV_NOPTS_VALUE ? 0 : container.duration() / (AV_TIME_BASE / 1000));
        for (int i = 0; i < container.nb_streams(); i++) {
            claimedMillis = Math.max(claimedMillis, millis(container.streams(i).duration(), container.streams(i).time_base()));
        }
        if (claimedMillis > limits.maxDurationMillis()) {
            throw new MediaRejectedException(MediaProblem.TOO_LONG, "the header claims " + claimedMillis
                    + " ms; the limit is " + limits.maxDurationMillis() + " ms");
        }
    }

    /** @return {@code timestamp} in milliseconds, or 0 when unknown or negative */
    static long millis(long timestamp, AVRational timeBase) {
        if (timestamp == AV_NOPTS_VALUE || timestamp <= 0 || timeBase.den() <= 0 || timeBase.num() <= 0) {
            return 0;
        }
        double millis = timestamp * 1000.0 * timeBase.num() / timeBase.den();
        return millis >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) millis;
    }

    AVStream video() {
        return video;
    }

    /** @return the first audio stream, or null when the video is silent */
    AVStream audio() {
        return audio;
    }

    /**
     * Reads the next packet of any stream into {@code packet} (the caller unrefs it).
     *
     * @return false at the end of the file
     * @throws MediaRejectedException TIMED_OUT past the deadline, CORRUPT when the file breaks off mid-read
     */
    boolean read(AVPacket packet) throws MediaRejectedException {
        int result = av_read_frame(container, packet);
        if (result >= 0) {
            return true;
        }
        if (input.timedOut()) {
            throw timedOut();
        }
        if (result == AVERROR_EOF()) {
            return false;
        }
        throw FfmpegErrors.corrupt("cannot read the video", result);
    }

    static MediaRejectedException timedOut() {
        return new MediaRejectedException(MediaProblem.TIMED_OUT, "the job ran past its time limit");
    }

    @Override
    public void close() {
        avformat_close_input(container);
        input.close();
    }
}
