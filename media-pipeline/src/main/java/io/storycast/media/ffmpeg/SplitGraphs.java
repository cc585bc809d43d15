package io.storycast.media.ffmpeg;

import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.Fit;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.javacpp.BytePointer;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;
import static org.bytedeco.ffmpeg.global.avutil.av_strdup;

/**
 * What the image and the video rendition graphs share: one source turned upright once, split into a
 * branch per output, each branch ending in a buffer sink, and the cover-or-pad step of a branch.
 *
 * <pre>[in] upright,split=N [s0][s1]…; [s0] chain0 [out0]; [s1] chain1 [out1]; …</pre>
 */
final class SplitGraphs {
    /** Turns an FFmpeg return code into the graph's typed failure. */
    interface Check {
        void check(int result, String what) throws MediaRejectedException;
    }

    private SplitGraphs() {
    }

    /**
     * Links {@code source} through {@code upright} and a split into one branch per chain, and configures the graph.
     *
     * @param upright filters that turn the picture upright, or empty
     * @param chains  each branch's filters, in output order
     * @return the branches' sinks, in output order (owned by the graph)
     */
    static List<AVFilterContext> linkSplit(AVFilterGraph graph, AVFilterContext source, String upright, List<String> chains,
                                           Check check) throws MediaRejectedException {
        StringBuilder description = new StringBuilder("[in]").append(upright.isEmpty() ? "null" : upright)
                .append(",split=").append(chains.size());
        for (int i = 0; i < chains.size(); i++) {
            description.append("[s").append(i).append(']');
        }
        List<AVFilterContext> sinks = new ArrayList<>(chains.size());
        // The in/out lists are ours until parsed; freed on every path.
        AVFilterInOut openInputs = null;
        AVFilterInOut openOutputs = null;
        int parsed;
        try {
            for (int i = chains.size() - 1; i >= 0; i--) {
                AVFilterContext sink = new AVFilterContext();
                check.check(avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out" + i, null, null, graph), "sink");
                sinks.add(0, sink);
                description.append(";[s").append(i).append(']').append(chains.get(i)).append("[out").append(i).append(']');
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
        check.check(parsed, "graph " + description);
        check.check(avfilter_graph_config(graph, null), "graph configuration");
        return sinks;
    }

    /**
     * @param evenSides keep the scaled picture's sides even before the crop or pad (4:2:0 video needs it)
     * @return the filters that bring a picture to exactly {@code width x height} of square pixels: scale to
     *         cover and crop, or scale to fit and pad with black. {@code reset_sar} makes the scale fit the
     *         picture as it is displayed (stored size times its sample aspect ratio: an anamorphic 1440x1080
     *         at 4:3 is fitted as the 1920x1080 it shows) and leaves square pixels, in the same pass.
     */
    static String fitted(int width, int height, Fit fit, boolean evenSides) {
        String size = width + ":" + height;
        String even = (evenSides ? ":force_divisible_by=2" : "") + ":reset_sar=1";
        return fit == Fit.COVER
                ? "scale=" + size + ":force_original_aspect_ratio=increase" + even + ",crop=" + size
                : "scale=" + size + ":force_original_aspect_ratio=decrease" + even + ",pad=" + size + ":(ow-iw)/2:(oh-ih)/2:black";
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
}
