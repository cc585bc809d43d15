package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.Fit;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

/**
 * One FFmpeg filter graph that turns one decoded picture into every rendition's frame: the picture is
 * turned upright once, split, and each branch scaled (and cropped or padded to the exact frame) and
 * converted to its encoder's pixel format. So the source is decoded once, whatever the number of
 * renditions.
 *
 * <pre>[in] upright,split=N [s0][s1]…; [s0] scale,crop|pad,setsar=1,format [out0]; …</pre>
 *
 * <p>Ownership: frees its graph on {@link #close()}; frames it returns are the caller's to free.
 */
final class RenditionGraph implements AutoCloseable {
    /** One output frame: its size, fit and pixel format (an FFmpeg name such as {@code yuvj420p}). */
    record Target(int width, int height, Fit fit, String pixelFormat) {
    }

    private final AVFilterGraph graph = avfilter_graph_alloc();
    private final AVFilterContext source = new AVFilterContext();
    private final List<AVFilterContext> sinks = new ArrayList<>();

    /**
     * @param picture the decoded picture (its size and format shape the graph)
     * @param upright filters that turn it upright ({@code ExifOrientation.uprightFilters}), or empty
     */
    RenditionGraph(AVFrame picture, String upright, List<Target> targets) throws MediaRejectedException {
        try {
            build(picture, upright, targets);
        } catch (MediaRejectedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void build(AVFrame picture, String upright, List<Target> targets) throws MediaRejectedException {
        int aspectNum = Math.max(1, picture.sample_aspect_ratio().num());
        int aspectDen = Math.max(1, picture.sample_aspect_ratio().den());
        String args = "video_size=" + picture.width() + "x" + picture.height() + ":pix_fmt=" + picture.format()
                + ":time_base=1/1:pixel_aspect=" + aspectNum + "/" + aspectDen;
        check(avfilter_graph_create_filter(source, avfilter_get_by_name("buffer"), "in", args, null, graph), "buffer source");
        List<String> chains = new ArrayList<>(targets.size());
        targets.forEach(target -> chains.add(chain(target)));
        sinks.addAll(SplitGraphs.linkSplit(graph, source, upright, chains, RenditionGraph::check));
    }

    private static String chain(Target target) {
        return SplitGraphs.fitted(target.width(), target.height(), target.fit(), false) + ",setsar=1,format=" + target.pixelFormat();
    }

    /**
     * @return one frame per target, in target order; the caller frees each ({@code av_frame_free})
     */
    List<AVFrame> run(AVFrame picture) throws MediaRejectedException {
        check(av_buffersrc_add_frame_flags(source, picture, AV_BUFFERSRC_FLAG_KEEP_REF), "feeding the graph");
        check(av_buffersrc_add_frame_flags(source, null, 0), "ending the graph's input");
        List<AVFrame> frames = new ArrayList<>(sinks.size());
        try {
            for (AVFilterContext sink : sinks) {
                AVFrame frame = av_frame_alloc();
                frames.add(frame);
                check(av_buffersink_get_frame(sink, frame), "a rendition frame");
            }
            return frames;
        } catch (MediaRejectedException e) {
            frames.forEach(frame -> av_frame_free(frame));
            throw e;
        }
    }

    private static void check(int result, String what) throws MediaRejectedException {
        if (result < 0) {
            throw new MediaRejectedException(MediaProblem.CORRUPT, "cannot scale the picture (" + what + "): "
                    + FfmpegErrors.describe(result));
        }
    }

    @Override
    public void close() {
        avfilter_graph_free(graph);
    }
}
