package io.storycast.media.ffmpeg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.profile.VideoRendition;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the video tests share: a transcoder on a pooled direct allocator without thread caches (so that its
 * count of live buffers is exact), the clips a test made (released after it), and every output read back by
 * {@link ProbedVideo}. A JUnit extension ({@code @RegisterExtension}): it notes the live buffers before each test,
 * and after it releases the clips and fails when a buffer is left allocated.
 */
final class VideoFixture implements BeforeEachCallback, AfterEachCallback {
    private static final PooledByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);

    private final H264Encoders encoders;
    private final VideoTranscoder transcoder;
    private final List<ByteBuf> inputs = new ArrayList<>();
    private long liveBuffersBefore;

    /**
     * A fixture whose transcoder encodes with FFmpeg's bundled OpenH264: the one every machine has, so the tests of
     * the README's test command run the same code everywhere (the system one: {@code SystemOpenH264Test}).
     */
    VideoFixture() {
        this(H264Encoders.bundled());
    }

    /** @param encoders which OpenH264 the fixture's transcoder encodes with */
    VideoFixture(H264Encoders encoders) {
        this.encoders = encoders;
        this.transcoder = new VideoTranscoder(ALLOCATOR, VideoTranscoder.DEFAULT_THREADS, encoders);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        liveBuffersBefore = liveBuffers();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        inputs.forEach(ByteBuf::release);
        inputs.clear();
        assertThat(liveBuffers()).as("pooled direct buffers still allocated").isEqualTo(liveBuffersBefore);
    }

    private static long liveBuffers() {
        return ALLOCATOR.metric().directArenas().stream().mapToLong(arena -> arena.numActiveAllocations()).sum();
    }

    /** @return {@code clip}, released after the test */
    ByteBuf input(ByteBuf clip) {
        inputs.add(clip);
        return clip;
    }

    VideoTranscoder transcoder() {
        return transcoder;
    }

    /** @return each of the rendition's outputs (its segments in order) read back; the outputs are released */
    List<ProbedVideo> outputs(ByteBuf clip, VideoRendition rendition) throws MediaRejectedException {
        return outputs(clip, Map.of("p", rendition)).get("p");
    }

    /**
     * @param other which OpenH264 encodes, instead of the fixture's own
     * @return each of the rendition's outputs (its segments in order) read back; the outputs are released
     */
    List<ProbedVideo> outputs(ByteBuf clip, VideoRendition rendition, H264Encoders other) throws MediaRejectedException {
        VideoTranscoder transcoder = new VideoTranscoder(ALLOCATOR, VideoTranscoder.DEFAULT_THREADS, other);
        return outputs(transcoder, clip, Map.of("p", rendition)).get("p");
    }

    /** @return per platform, its rendition's outputs (segments in order) read back; the outputs are released */
    Map<String, List<ProbedVideo>> outputs(ByteBuf clip, Map<String, VideoRendition> byPlatform) throws MediaRejectedException {
        return outputs(transcoder, clip, byPlatform);
    }

    private static Map<String, List<ProbedVideo>> outputs(VideoTranscoder transcoder, ByteBuf clip, Map<String, VideoRendition> byPlatform)
            throws MediaRejectedException {
        Map<String, List<Rendition>> made = transcoder.transcode(clip, byPlatform, MediaLimits.DEFAULTS);
        try {
            Map<String, List<ProbedVideo>> probed = new LinkedHashMap<>();
            for (Map.Entry<String, List<Rendition>> platform : made.entrySet()) {
                List<ProbedVideo> segments = new ArrayList<>();
                for (Rendition segment : platform.getValue()) {
                    segments.add(ProbedVideo.of(segment.bytes()));
                }
                probed.put(platform.getKey(), segments);
            }
            return probed;
        } finally {
            made.values().forEach(renditions -> renditions.forEach(Rendition::release));
        }
    }

    /**
     * Runs one video job (what the transcoder runs for its distinct outputs) and releases what it made.
     *
     * @return the AAC frames the job encoded ({@link VideoJob#aacFramesEncoded()})
     */
    long aacFramesEncoded(ByteBuf clip, List<VideoRendition> outputs) throws MediaRejectedException {
        VideoJob job = new VideoJob(clip, outputs, MediaLimits.DEFAULTS, System.nanoTime() + 60_000_000_000L, ALLOCATOR,
                VideoTranscoder.DEFAULT_THREADS, encoders);
        job.run().forEach(segments -> segments.forEach(segment -> segment.bytes().release()));
        return job.aacFramesEncoded();
    }
}
