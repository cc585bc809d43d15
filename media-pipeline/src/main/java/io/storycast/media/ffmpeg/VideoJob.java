package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.profile.VideoRendition;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_guess_sample_aspect_ratio;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

/**
 * One video job's pass over the upload: demux, decode the video once and the audio once, run the pictures
 * through one {@link VideoGraph}, and feed each branch and the audio to its {@link SegmentedOutput} through
 * the {@link EncodeStage}, which encodes on a second thread while this one decodes.
 * Single use; everything native it makes is freed before {@link #run()} returns or throws.
 */
final class VideoJob {
    private final ByteBuf upload;
    private final List<VideoRendition> outputs;
    private final MediaLimits limits;
    private final long deadlineNanos;
    private final ByteBufAllocator allocator;
    private final int threads;
    private final H264Encoders encoders;
    private final List<SegmentedOutput> writers = new ArrayList<>();
    private VideoGraph graph;
    private EncodeStage stage;
    /** Where the latest picture ends (its pts plus its duration), in the video stream's time base. */
    private long endPts = Long.MIN_VALUE;
    private long lastPts = Long.MIN_VALUE;
    private long lastGap;
    private long aacFramesEncoded;

    VideoJob(ByteBuf upload, List<VideoRendition> outputs, MediaLimits limits, long deadlineNanos, ByteBufAllocator allocator,
             int threads, H264Encoders encoders) {
        this.upload = upload;
        this.outputs = List.copyOf(outputs);
        this.limits = limits;
        this.deadlineNanos = deadlineNanos;
        this.allocator = allocator;
        this.threads = threads;
        this.encoders = encoders;
    }

    /** @return per output, its segments in order; the caller releases their bytes */
    List<List<SegmentedOutput.Segment>> run() throws MediaRejectedException {
        AVPacket packet = av_packet_alloc();
        AVFrame picture = av_frame_alloc();
        AVFrame scaled = av_frame_alloc();
        VideoDecoder decoder = null;
        AacAudio audio = null;
        try (VideoSource source = VideoSource.open(upload, limits, deadlineNanos)) {
            AVStream video = source.video();
            decoder = new VideoDecoder(video, limits, threads);
            if (source.audio() != null) {
                audio = AacAudio.open(source.audio(), video);
            }
            for (VideoRendition output : outputs) {
                writers.add(new SegmentedOutput(output, audio, allocator, threads, encoders));
            }
            String upright = VideoDecoder.uprightFilters(video);
            stage = new EncodeStage(writers, audio);
            AacAudio.Sink toWriters = stage;
            int audioIndex = source.audio() == null ? -1 : source.audio().index();
            while (source.read(packet)) {
                try {
                    if (System.nanoTime() - deadlineNanos > 0) {
                        throw VideoSource.timedOut();
                    }
                    if (packet.stream_index() == video.index()) {
                        decoder.send(packet);
                        drainDecoder(decoder, video, upright, picture, scaled);
                    } else if (packet.stream_index() == audioIndex) {
                        audio.accept(packet, toWriters);
                    }
                } finally {
                    av_packet_unref(packet);
                }
            }
            decoder.send(null);
            drainDecoder(decoder, video, upright, picture, scaled);
            if (graph == null) {
                throw new MediaRejectedException(MediaProblem.CORRUPT, "no picture of the video could be decoded");
            }
            graph.end(endPts);
            drainGraph(scaled);
            if (audio != null) {
                audio.flush(toWriters);
            }
            stage.finish();
            List<List<SegmentedOutput.Segment>> all = takeAll();
            aacFramesEncoded = audio == null ? 0 : audio.encodedFrames();
            return all;
        } finally {
            if (stage != null) {
                stage.close(); // before the outputs: its thread may still be using them
            }
            writers.forEach(SegmentedOutput::close);
            if (graph != null) {
                graph.close();
            }
            if (audio != null) {
                audio.close();
            }
            if (decoder != null) {
                decoder.close();
            }
            av_frame_free(scaled);
            av_frame_free(picture);
            av_packet_free(packet);
        }
    }

    private void drainDecoder(VideoDecoder decoder, AVStream video, String upright, AVFrame picture, AVFrame scaled)
            throws MediaRejectedException {
        while (decoder.receive(picture)) {
            try {
                // The header may understate the length: the pictures themselves are held to the limit too.
                long millis = VideoSource.millis(picture.pts(), video.time_base());
                if (millis > limits.maxDurationMillis()) {
                    throw new MediaRejectedException(MediaProblem.TOO_LONG, "the video runs past " + limits.maxDurationMillis()
                            + " ms, whatever its header claims");
                }
                if (graph == null) {
                    List<VideoGraph.Target> targets = outputs.stream().map(output -> new VideoGraph.Target(output.width(),
                            output.height(), output.framesPerSecond(), output.fit())).toList();
                    // The container's aspect ratio (an MP4 pasp box) first, else the bitstream's, as players do.
                    AVRational sampleAspect = av_guess_sample_aspect_ratio((AVFormatContext) null, video, picture);
                    graph = new VideoGraph(picture, video.time_base(), sampleAspect, upright, ColourConversion.filters(picture, video),
                            targets, threads);
                }
                graph.push(picture);
                // A decoder may leave a picture's duration unset: then it lasts as long as the gap before it.
                long duration = picture.duration() > 0 ? picture.duration() : lastGap;
                if (lastPts != Long.MIN_VALUE && picture.pts() > lastPts) {
                    lastGap = picture.pts() - lastPts;
                    duration = picture.duration() > 0 ? picture.duration() : lastGap;
                }
                lastPts = picture.pts();
                endPts = Math.max(endPts, picture.pts() + duration);
                drainGraph(scaled);
            } finally {
                av_frame_unref(picture);
            }
        }
    }

    private void drainGraph(AVFrame scaled) throws MediaRejectedException {
        for (int i = 0; i < writers.size(); i++) {
            while (graph.pull(i, scaled)) {
                try {
                    stage.video(i, scaled);
                } finally {
                    av_frame_unref(scaled);
                }
            }
        }
    }

    /**
     * @return AAC frames the job encoded (0 when the sound was copied or {@link #run()} failed): once per distinct
     *         audio format, not per output. For tests and benchmarks
     */
    long aacFramesEncoded() {
        return aacFramesEncoded;
    }

    private List<List<SegmentedOutput.Segment>> takeAll() throws MediaRejectedException {
        List<List<SegmentedOutput.Segment>> all = new ArrayList<>(writers.size());
        boolean complete = false;
        try {
            for (SegmentedOutput writer : writers) {
                writer.endPictures(); // all before any sound shared between them is ended
            }
            for (SegmentedOutput writer : writers) {
                List<SegmentedOutput.Segment> segments = writer.take();
                all.add(segments);
                if (segments.isEmpty()) {
                    throw new MediaRejectedException(MediaProblem.CORRUPT, "the video holds no frame to encode");
                }
            }
            complete = true;
            return all;
        } finally {
            if (!complete) {
                all.forEach(segments -> segments.forEach(segment -> segment.bytes().release()));
            }
        }
    }
}
