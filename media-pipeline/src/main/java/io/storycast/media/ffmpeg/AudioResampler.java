package io.storycast.media.ffmpeg;

import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_time_base;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_set_frame_size;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_CHANNEL_ORDER_UNSPEC;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_describe;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;
import static org.bytedeco.ffmpeg.global.avutil.av_get_sample_fmt_name;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strdup;

/**
 * An audio filter graph that brings decoded audio to what the AAC encoder takes (a sample rate, planar
 * float, mono or stereo, in frames of one AAC frame) on the video's timeline: {@code first_pts=0} makes the
 * output start at time 0, with silence before sound that starts late and without what comes before 0, and
 * {@code async=1} with {@code min_hard_comp} fills a gap (or trims an overlap) in the timestamps of 20 ms or
 * more with silence, so that from then on a sample's place in the output is its time on the video's timeline.
 *
 * <pre>abuffer → aresample=R:async=1:min_hard_comp=0.02:first_pts=0,aformat=sample_fmts=fltp:channel_layouts=stereo
 *         → abuffersink (frame size 1024)</pre>
 *
 * <p>Ownership: frees its graph on {@link #close()}; frames it fills are unref'd by the caller.
 */
final class AudioResampler implements AutoCloseable {
    private final AVFilterGraph graph = avfilter_graph_alloc();
    private final AVFilterContext source = new AVFilterContext();
    private final AVFilterContext sink = new AVFilterContext();
    private final int sampleRate;
    private final int format;
    private final int channels;
    private final AVRational outputTimeBase;

    /**
     * @param first          the first decoded frame: its rate, format and layout shape the graph
     * @param outputRate     the rate made, one the AAC encoder takes
     * @param outputChannels 1 (mono) or 2 (stereo)
     * @param frameSamples   samples per frame made (the last excepted)
     */
    AudioResampler(AVFrame first, int outputRate, int outputChannels, int frameSamples) throws MediaRejectedException {
        this.sampleRate = first.sample_rate();
        this.format = first.format();
        this.channels = first.ch_layout().nb_channels();
        this.outputTimeBase = av_make_q(1, outputRate);
        try {
            build(first, outputRate, outputChannels, frameSamples);
        } catch (MediaRejectedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void build(AVFrame first, int outputRate, int outputChannels, int frameSamples) throws MediaRejectedException {
        if (sampleRate <= 0 || channels <= 0 || av_get_sample_fmt_name(format) == null) {
            throw new MediaRejectedException(MediaProblem.CORRUPT, "the audio has no sample rate or channels");
        }
        String args = "time_base=1/" + sampleRate + ":sample_rate=" + sampleRate + ":sample_fmt="
                + av_get_sample_fmt_name(format).getString() + ":channel_layout=" + layoutName(first.ch_layout());
        check(avfilter_graph_create_filter(source, avfilter_get_by_name("abuffer"), "in", args, null, graph), "audio source");
        check(avfilter_graph_create_filter(sink, avfilter_get_by_name("abuffersink"), "out", null, null, graph), "audio sink");
        String chain = "aresample=" + outputRate + ":async=1:min_hard_comp=0.02:first_pts=0,aformat=sample_fmts=fltp:channel_layouts="
                + (outputChannels == 1 ? "mono" : "stereo");
        AVFilterInOut outputs = inOut("in", source);
        AVFilterInOut inputs = inOut("out", sink);
        try {
            check(avfilter_graph_parse_ptr(graph, chain, inputs, outputs, null), "audio graph");
        } finally {
            avfilter_inout_free(inputs);
            avfilter_inout_free(outputs);
        }
        check(avfilter_graph_config(graph, null), "audio graph configuration");
        av_buffersink_set_frame_size(sink, frameSamples);
    }

    private static String layoutName(AVChannelLayout layout) {
        AVChannelLayout named = layout;
        AVChannelLayout made = null;
        if (layout.order() == AV_CHANNEL_ORDER_UNSPEC) {
            // "2 channels" is no layout a filter can name: take the usual one for that count.
            made = new AVChannelLayout();
            av_channel_layout_default(made, layout.nb_channels());
            named = made;
        }
        try (BytePointer text = new BytePointer(128)) {
            av_channel_layout_describe(named, text, 128);
            return text.getString();
        } finally {
            if (made != null) {
                av_channel_layout_uninit(made);
                made.close();
            }
        }
    }

    private static AVFilterInOut inOut(String label, AVFilterContext filter) {
        AVFilterInOut inOut = avfilter_inout_alloc();
        try (BytePointer name = new BytePointer(label)) {
            inOut.name(av_strdup(name));
        }
        inOut.filter_ctx(filter);
        inOut.pad_idx(0);
        inOut.next(null);
        return inOut;
    }

    /**
     * @param frame decoded audio with {@code pts} in {@code timeBase}; its data moves into the graph
     * @return false when the frame was skipped: its rate, format or channels differ from the first
     */
    boolean push(AVFrame frame, AVRational timeBase) throws MediaRejectedException {
        if (frame.sample_rate() != sampleRate || frame.format() != format || frame.ch_layout().nb_channels() != channels) {
            return false;
        }
        if (frame.pts() != AV_NOPTS_VALUE) {
            frame.pts(av_rescale_q(frame.pts(), timeBase, av_make_q(1, sampleRate)));
        }
        check(av_buffersrc_add_frame_flags(source, frame, 0), "feeding the audio graph");
        return true;
    }

    /** Ends the input. */
    void end() throws MediaRejectedException {
        check(av_buffersrc_add_frame_flags(source, null, 0), "ending the audio graph");
    }

    /** @return whether {@code frame} holds the next frame, {@code pts} in 1/output rate */
    boolean pull(AVFrame frame) throws MediaRejectedException {
        int result = av_buffersink_get_frame(sink, frame);
        if (result == FfmpegErrors.AGAIN || result == AVERROR_EOF()) {
            return false;
        }
        check(result, "resampled audio");
        if (frame.pts() != AV_NOPTS_VALUE) {
            frame.pts(av_rescale_q(frame.pts(), av_buffersink_get_time_base(sink), outputTimeBase));
        }
        return true;
    }

    private static void check(int result, String what) throws MediaRejectedException {
        if (result < 0) {
            throw new MediaRejectedException(MediaProblem.CORRUPT, "cannot resample the audio (" + what + "): "
                    + FfmpegErrors.describe(result));
        }
    }

    @Override
    public void close() {
        avfilter_graph_free(graph);
    }
}
