package io.storycast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.ffmpeg.TestClip;
import io.storycast.media.ffmpeg.TestVideos;
import io.storycast.media.ffmpeg.VideoTranscoder;
import io.storycast.media.profile.Fit;
import io.storycast.media.profile.PlatformProfiles;
import io.storycast.media.profile.VideoRendition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Re-encoded sound on the video path: a clip whose sound is 16-bit stereo PCM at 48 kHz (so it is decoded,
 * resampled and encoded to AAC, not copied) into several video renditions that ask for the same AAC (bit rate
 * and segment length), which share one AAC encoding. One job per invocation, with the transcoder's default
 * threads (2).
 *
 * <p>{@code outputs}: {@code small-1} and {@code small-4} are a 20 s 320x240 clip (flat pattern) into one and
 * into four 180x320 renditions (AAC 128 kb/s, distinct video bit rates so that each is its own output), where the
 * sound is a large part of the work: {@code small-4 / small-1} is what a fourth of the sound work per extra
 * rendition would cost. {@code shipped} is a 10 s 1080x1920 clip (flat pattern) into the four shipped platforms'
 * videos, two distinct outputs (1080x1920 and 720x1280) with the same AAC: a real job, where the H.264 encoding
 * dominates. After each iteration the CPU time per job is printed (all threads; steadier than wall time on a
 * shared machine).
 *
 * <pre>java -jar bench/target/benchmarks.jar VideoSoundBenchmark -f 1 -wi 1 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(1)
public class VideoSoundBenchmark {
    @Param({"small-1", "small-4", "shipped"})
    public String outputs;

    private ByteBuf clip;
    private Map<String, VideoRendition> renditions;
    private VideoTranscoder transcoder;
    private long jobs;
    private long cpuMillis;

    @Setup(Level.Trial)
    public void makeClip() {
        transcoder = new VideoTranscoder(PooledByteBufAllocator.DEFAULT); // first: it quiets FFmpeg's log
        renditions = new LinkedHashMap<>();
        if (outputs.equals("shipped")) {
            clip = new TestClip(1080, 1920, 30).seconds(10).audio(TestVideos.Audio.PCM).make();
            PlatformProfiles shipped = PlatformProfiles.shipped();
            for (String platform : List.of("instagram", "facebook", "whatsapp", "messenger")) {
                renditions.put(platform, shipped.of(platform).orElseThrow().video());
            }
        } else {
            clip = new TestClip(320, 240, 30).seconds(20).audio(TestVideos.Audio.PCM).make();
            int count = Integer.parseInt(outputs.substring(outputs.indexOf('-') + 1));
            for (int i = 0; i < count; i++) {
                renditions.put("p" + i, new VideoRendition("story", 180, 320, 30, 2, 300_000 + i * 10_000, 128_000, 60, 0,
                        Fit.COVER, "bench"));
            }
        }
        System.out.printf("%n%s: %d bytes into %d renditions%n", outputs, clip.readableBytes(), renditions.size());
    }

    @Setup(Level.Iteration)
    public void resetCount() {
        jobs = 0;
        cpuMillis = 0;
    }

    @TearDown(Level.Iteration)
    public void printCpuTime() {
        if (jobs > 0) {
            System.out.printf("%n%d jobs, %.0f ms of CPU each%n", jobs, (double) cpuMillis / jobs);
        }
    }

    @TearDown(Level.Trial)
    public void release() {
        clip.release();
    }

    @Benchmark
    public int job() throws MediaRejectedException {
        long cpuStarted = VideoTranscodeBenchmark.processCpuMillis();
        int bytes = VideoTranscodeBenchmark.transcodeAndRelease(transcoder, clip, renditions);
        cpuMillis += VideoTranscodeBenchmark.processCpuMillis() - cpuStarted;
        jobs++;
        return bytes;
    }
}
