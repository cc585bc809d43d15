package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.Fit;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_close;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

/**
 * One FFmpeg filter graph that turns the decoded video into every distinct rendition's frames: the
 * pictures are turned upright once (display matrix), split, and each branch brought to a constant frame
 * rate, scaled and cropped (cover) or padded (contain) to its exact frame as the picture is displayed (its
 * sample aspect ratio counted: {@link SplitGraphs#fitted}), brought to BT.709 SDR when it is HDR or BT.2020
 * ({@link ColourConversion}), square pixels, 8-bit 4:2:0.
 *
 * <pre>[in] upright,split=N [s0]…; [s0] fps=F:start_time=0,scale(reset_sar),crop|pad[,colour],setsar=1,format=yuv420p [out0]; …</pre>
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
     * @param first        the first decoded picture: its size and pixel format shape the graph
     * @param timeBase     the time base of the pictures' {@code pts}
     * @param sampleAspect the pictures' sample aspect ratio (the container's, else the bitstream's; 0/1 for
     *                     unknown, taken as square)
     * @param upright      filters that turn the pictures upright ({@link VideoDecoder#uprightFilters}), or empty
     * @param colour       filters that bring the scaled pictures to BT.709 SDR ({@link ColourConversion}), or empty
     * @param threads      filter threads, at least 1
     */
    VideoGraph(AVFrame first, AVRational timeBase, AVRational sampleAspect, String upright, String colour, List<Target> targets,
               int threads) throws MediaRejectedException {
        this.width = first.width();
        this.height = first.height();
        this.pixelFormat = first.format();
        try {
            graph.nb_threads(threads);
            build(timeBase, sampleAspect, upright, colour, targets);
        } catch (MediaRejectedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void build(AVRational timeBase, AVRational sampleAspect, String upright, String colour, List<Target> targets)
            throws MediaRejectedException {
        boolean known = sampleAspect.num() > 0 && sampleAspect.den() > 0;
        int aspectNum = known ? sampleAspect.num() : 1;
        int aspectDen = known ? sampleAspect.den() : 1;
        String args = "video_size=" + width + "x" + height + ":pix_fmt=" + pixelFormat + ":time_base=" + timeBase.num()
                + "/" + timeBase.den() + ":pixel_aspect=" + aspectNum + "/" + aspectDen;
        check(avfilter_graph_create_filter(source, avfilter_get_by_name("buffer"), "in", args, null, graph), "buffer source");
        List<String> chains = new ArrayList<>(targets.size());
        targets.forEach(target -> chains.add(chain(target, colour)));
        sinks.addAll(SplitGraphs.linkSplit(graph, source, upright, chains, VideoGraph::check));
    }

    private static String chain(Target target, String colour) {
        // The colour conversion comes after the scale: it costs per pixel, and the renditions are smaller than the source.
        return "fps=" + target.framesPerSecond() + ":start_time=0,"
                + SplitGraphs.fitted(target.width(), target.height(), target.fit(), true) + (colour.isEmpty() ? "" : "," + colour)
                + ",setsar=1,format=yuv420p";
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
