package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaProblem;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.openh264.OpenH264Library;
import io.storycast.media.probe.SourceFormat;
import io.storycast.media.probe.UploadCheck;
import io.storycast.media.profile.VideoRendition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

/**
 * Turns one story video into every target platform's video rendition: H.264 (libopenh264) + AAC in MP4,
 * constant frame rate, closed GOPs, {@code moov} before {@code mdat}, no edit list, no metadata.
 *
 * <p>Checks come first (byte limit and type by magic bytes; then, from the MP4 header and before any frame
 * is decoded, the pixel and duration limits). The video is decoded once and the audio decoded (or copied)
 * once; one filter graph splits the pictures into a branch per distinct rendition (upright by the display
 * matrix, fps, scale and crop or pad, 4:2:0), each encoded once; platforms that want the same rendition
 * share its bytes.
 *
 * <p><b>Segments.</b> A video longer than a rendition's {@code maxSegmentSeconds} is split into consecutive
 * segments, as Instagram, Facebook and WhatsApp do with a long story video (rather than trimmed, which
 * would silently lose the end): each is a complete MP4 of at most that many seconds that starts on an IDR
 * picture. One segment is named as the profile names the rendition ({@code story}); several are named
 * {@code story-1}, {@code story-2}, … in playing order, so each is addressable on its own.
 *
 * <p><b>Sound.</b> Both tracks of every output (each segment, or the one unsplit file) start at 0 at the same
 * instant of the source, and segment {@code k+1}'s sound continues where segment {@code k}'s stopped
 * ({@link SegmentAudio}). AAC (up to stereo) that lies on the video's timeline is copied packet for packet
 * and cut at whole packets: each segment starts with the packet nearest its start, so it is off by less than
 * half an AAC frame (10.7 ms at 48 kHz). Any other sound (another codec, more channels, AAC that starts late
 * or has gaps, as the MP4 index tells before anything is decoded) is decoded once, resampled onto the
 * video's timeline (silence where it starts late or breaks off) and encoded per segment, cut to the sample,
 * each segment's first 1024 samples given to the encoder's silent priming; renditions with the same audio bit
 * rate and segment length share that encoding ({@link AacSegmentEncoder}). A silent video stays silent.
 *
 * <p><b>moov first.</b> The muxer writes {@code moov} last, as it must through custom IO; {@link MoovFirst}
 * then moves it in front of {@code mdat} in memory and patches the chunk offsets (see there for why not
 * {@code moov_size} or {@code +faststart}).
 *
 * <p>Blocking and CPU-bound: call it on a worker thread, never an event loop. Thread-safe (no state).
 * Every native struct and pooled buffer is freed on every path, failures and Errors included.
 */
public final class VideoTranscoder {
    static {
        // As ImageTranscoder: hostile uploads would fill stderr with warnings already turned into typed rejections.
        av_log_set_level(AV_LOG_ERROR);
    }

    /** Threads each job uses to decode, filter and encode by default: the two cores a media worker is sized for. */
    public static final int DEFAULT_THREADS = 2;

    private final ByteBufAllocator allocator;
    private final int threads;
    private final H264Encoders encoders;

    /**
     * A transcoder with {@link #DEFAULT_THREADS} threads that encodes through the system's
     * {@code libopenh264.so.7} when it is there and usable, else through FFmpeg's ({@link H264Encoders#auto}).
     *
     * @param allocator where segment bytes go: a pooled direct allocator in the gateway
     */
    public VideoTranscoder(ByteBufAllocator allocator) {
        this(allocator, DEFAULT_THREADS, H264Encoders.auto(OpenH264Library.DEFAULT_LIBRARY));
    }

    /**
     * @param allocator where segment bytes go
     * @param threads   threads FFmpeg may use per job for each of decoding, filtering and encoding, 1 to 16
     * @param encoders  which OpenH264 encodes the H.264
     */
    public VideoTranscoder(ByteBufAllocator allocator, int threads, H264Encoders encoders) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.encoders = Objects.requireNonNull(encoders, "encoders");
        if (threads < 1 || threads > 16) {
            throw new IllegalArgumentException("threads must be 1 to 16, was " + threads);
        }
        this.threads = threads;
    }

    /** @return which OpenH264 encodes */
    public H264Encoders encoders() {
        return encoders;
    }

    /**
     * @param upload     the upload, readable bytes from its reader index; stays the caller's (not released)
     * @param byPlatform each target platform's video rendition, at least one
     * @return per platform, its rendition's segments in playing order (one when the video fits in one);
     *         the caller releases each rendition once (segments shared by platforms hold a reference each)
     * @throws MediaRejectedException UNSUPPORTED_TYPE, TOO_MANY_BYTES, TOO_MANY_PIXELS, TOO_LONG, CORRUPT or
     *                                TIMED_OUT
     */
    public Map<String, List<Rendition>> transcode(ByteBuf upload, Map<String, VideoRendition> byPlatform, MediaLimits limits)
            throws MediaRejectedException {
        if (byPlatform.isEmpty()) {
            throw new IllegalArgumentException("no platform to transcode for");
        }
        long deadlineNanos = System.nanoTime() + limits.jobTimeoutMillis() * 1_000_000;
        SourceFormat format = UploadCheck.check(upload, limits);
        if (!format.isVideo()) {
            throw new MediaRejectedException(MediaProblem.UNSUPPORTED_TYPE, "the upload is an image, not a video");
        }
        // Platforms asking for the same output share one branch, one encode and the same bytes.
        Map<VideoRendition, Integer> distinct = new LinkedHashMap<>();
        byPlatform.values().forEach(rendition -> distinct.putIfAbsent(sameOutput(rendition), distinct.size()));
        List<VideoRendition> outputs = new ArrayList<>(distinct.keySet());

        List<List<SegmentedOutput.Segment>> encoded = new VideoJob(upload, outputs, limits, deadlineNanos, allocator, threads, encoders).run();
        boolean handedOver = false;
        try {
            Map<String, List<Rendition>> shared = share(byPlatform, distinct, encoded);
            handedOver = true;
            return shared;
        } finally {
            if (!handedOver) {
                encoded.forEach(segments -> segments.forEach(segment -> segment.bytes().release()));
            }
        }
    }

    private static VideoRendition sameOutput(VideoRendition rendition) {
        return new VideoRendition("output", rendition.width(), rendition.height(), rendition.framesPerSecond(),
                rendition.gopSeconds(), rendition.videoBitsPerSecond(), rendition.audioBitsPerSecond(),
                rendition.maxSegmentSeconds(), rendition.maxBytes(), rendition.fit(), "");
    }

    private static Map<String, List<Rendition>> share(Map<String, VideoRendition> byPlatform, Map<VideoRendition, Integer> distinct,
                                                      List<List<SegmentedOutput.Segment>> encoded) {
        boolean[] used = new boolean[encoded.size()];
        Map<String, List<Rendition>> result = new LinkedHashMap<>();
        byPlatform.forEach((platform, rendition) -> {
            int index = distinct.get(sameOutput(rendition));
            List<SegmentedOutput.Segment> segments = encoded.get(index);
            List<Rendition> made = new ArrayList<>(segments.size());
            for (int i = 0; i < segments.size(); i++) {
                SegmentedOutput.Segment segment = segments.get(i);
                ByteBuf bytes = used[index] ? segment.bytes().retainedDuplicate() : segment.bytes();
                String name = segments.size() == 1 ? rendition.name() : rendition.name() + "-" + (i + 1);
                made.add(new Rendition(name, "mp4", "h264", rendition.width(), rendition.height(), segment.durationMillis(), bytes));
            }
            used[index] = true;
            result.put(platform, List.copyOf(made));
        });
        return result;
    }
}
