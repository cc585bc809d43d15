package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.Fit;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_strdup;

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
        StringBuilder description = new StringBuilder("[in]").append(upright.isEmpty() ? "null" : upright)
                .append(",split=").append(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            description.append("[s").append(i).append(']');
        }
        // The in/out lists are ours until parsed; freed on every path.
        AVFilterInOut openInputs = null;
        AVFilterInOut openOutputs = null;
        int parsed;
        try {
            for (int i = targets.size() - 1; i >= 0; i--) {
                Target target = targets.get(i);
                AVFilterContext sink = new AVFilterContext();
                check(avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out" + i, null, null, graph), "sink");
                sinks.add(0, sink);
                description.append(";[s").append(i).append(']').append(chain(target)).append("[out").append(i).append(']');
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
                ? "scale=" + size + ":force_original_aspect_ratio=increase,crop=" + size
                : "scale=" + size + ":force_original_aspect_ratio=decrease,pad=" + size + ":(ow-iw)/2:(oh-ih)/2:black";
        return fitted + ",setsar=1,format=" + target.pixelFormat();
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
