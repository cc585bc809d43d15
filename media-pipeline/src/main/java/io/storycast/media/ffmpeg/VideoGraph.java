package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.Fit;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_close;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_strdup;

/**
 * One FFmpeg filter graph that turns the decoded video into every distinct rendition's frames: the
 * pictures are turned upright once (display matrix), split, and each branch brought to a constant frame
 * rate, scaled and cropped (cover) or padded (contain) to its exact frame, square pixels, 4:2:0.
 *
 * <pre>[in] upright,split=N [s0]…; [s0] fps=F:start_time=0,scale,crop|pad,setsar=1,format=yuv420p [out0]; …</pre>
 *
 * <p>{@code fps} with {@code start_time=0} anchors output frame {@code n} at {@code n/F} seconds of the
 * source's timeline: frames are dropped or repeated to hold the rate, and a source whose first picture
 * comes late repeats it from 0, so video and audio keep one time origin.
 *
 * <p>Ownership: frees its graph on {@link #close()}; frames it hands out are unref'd by the caller.
 */
final class VideoGraph implements AutoCloseable {
    /** One output: frame size, frames per second, fit. */
    record Target(int width, int height, int framesPerSecond, Fit fit) {
    }

    private final AVFilterGraph graph = avfilter_graph_alloc();
    private final AVFilterContext source = new AVFilterContext();
    private final List<AVFilterContext> sinks = new ArrayList<>();
    private final int width;
    private final int height;
    private final int pixelFormat;

    /**
     * @param first    the first decoded picture: its size and pixel format shape the graph
     * @param timeBase the time base of the pictures' {@code pts}
     * @param upright  filters that turn the pictures upright ({@link VideoDecoder#uprightFilters}), or empty
     * @param threads  filter threads, at least 1
     */
    VideoGraph(AVFrame first, AVRational timeBase, String upright, List<Target> targets, int threads) throws MediaRejectedException {
        this.width = first.width();
        this.height = first.height();
        this.pixelFormat = first.format();
        try {
            graph.nb_threads(threads);
            build(first, timeBase, upright, targets);
        } catch (MediaRejectedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void build(AVFrame first, AVRational timeBase, String upright, List<Target> targets) throws MediaRejectedException {
        int aspectNum = Math.max(1, first.sample_aspect_ratio().num());
        int aspectDen = first.sample_aspect_ratio().num() > 0 ? Math.max(1, first.sample_aspect_ratio().den()) : 1;
        String args = "video_size=" + width + "x" + height + ":pix_fmt=" + pixelFormat + ":time_base=" + timeBase.num()
                + "/" + timeBase.den() + ":pixel_aspect=" + aspectNum + "/" + aspectDen;
        check(avfilter_graph_create_filter(source, avfilter_get_by_name("buffer"), "in", args, null, graph), "buffer source");
        StringBuilder description = new StringBuilder("[in]").append(upright.isEmpty() ? "null" : upright)
                .append(",split=").append(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            description.append("[s").append(i).append(']');
        }
        AVFilterInOut openInputs = null;
        AVFilterInOut openOutputs = null;
        int parsed;
        try {
            for (int i = targets.size() - 1; i >= 0; i--) {
                AVFilterContext sink = new AVFilterContext();
                check(avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out" + i, null, null, graph), "sink");
                sinks.add(0, sink);
                description.append(";[s").append(i).append(']').append(chain(targets.get(i))).append("[out").append(i).append(']');
                openInputs = inOut("out" + i, sink, openInputs);
            }
            openOutputs = inOut("in", source, null);
            parsed = avfilter_graph_parse_ptr(graph, description.toString(), openInputs, openOutputs, null);
        } finally {
            if (openInputs != null) {
                avfilter_inout_free(openInputs);
            }
            if (openOutputs != null) {
                avfilter_inout_free(openOutputs);
            }
        }
        check(parsed, "graph " + description);
        check(avfilter_graph_config(graph, null), "graph configuration");
    }

    private static String chain(Target target) {
        String size = target.width() + ":" + target.height();
        String fitted = target.fit() == Fit.COVER
                ? "scale=" + size + ":force_original_aspect_ratio=increase:force_divisible_by=2,crop=" + size
                : "scale=" + size + ":force_original_aspect_ratio=decrease:force_divisible_by=2,pad=" + size
                        + ":(ow-iw)/2:(oh-ih)/2:black";
        return "fps=" + target.framesPerSecond() + ":start_time=0," + fitted + ",setsar=1,format=yuv420p";
    }

    private static AVFilterInOut inOut(String label, AVFilterContext filter, AVFilterInOut next) {
        AVFilterInOut inOut = avfilter_inout_alloc();
        try (BytePointer name = new BytePointer(label)) {
            inOut.name(av_strdup(name));
        }
        inOut.filter_ctx(filter);
        inOut.pad_idx(0);
        inOut.next(next);
        return inOut;
    }

    /**
     * Feeds one decoded picture (the graph takes its own reference).
     *
     * @throws MediaRejectedException UNSUPPORTED_TYPE when the picture's size or format differs from the first
     */
    void push(AVFrame picture) throws MediaRejectedException {
        if ((picture.width() != width || picture.height() != height || picture.format() != pixelFormat)) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "the video changes its frame size or format midway ("
                    + width + "x" + height + " to " + picture.width() + "x" + picture.height() + ")");
        }
        check(av_buffersrc_add_frame_flags(source, picture, AV_BUFFERSRC_FLAG_KEEP_REF), "feeding the graph");
    }

    /**
     * Ends the video at {@code endPts} (time base of the pictures): the end of the last picture, not its
     * start, so that {@code fps} still makes the frames that fall within the last picture's time.
     */
    void end(long endPts) throws MediaRejectedException {
        check(av_buffersrc_close(source, endPts, 0), "ending the graph's input");
    }

    /** @return the number of outputs, one per target, in target order */
    int outputs() {
        return sinks.size();
    }

    /**
     * @return whether {@code frame} now holds the next picture of output {@code index}, its {@code pts} the
     *         frame number from 0 (time base 1/fps); the caller unrefs it
     */
    boolean pull(int index, AVFrame frame) throws MediaRejectedException {
        int result = av_buffersink_get_frame(sinks.get(index), frame);
        if (result == FfmpegErrors.AGAIN || result == AVERROR_EOF()) {
            return false;
        }
        check(result, "a rendition frame");
        return true;
    }

    private static void check(int result, String what) throws MediaRejectedException {
        if (result < 0) {
            throw new MediaRejectedException(MediaProblem.CORRUPT, "cannot scale the video (" + what + "): "
                    + FfmpegErrors.describe(result));
        }
    }

    @Override
    public void close() {
        avfilter_graph_free(graph);
    }
}
