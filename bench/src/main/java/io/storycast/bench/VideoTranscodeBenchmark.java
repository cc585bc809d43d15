package io.storycast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.ffmpeg.TestVideos;
import io.storycast.media.ffmpeg.VideoTranscoder;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The video path of the media pipeline: a 10 s 1080x1920 30 fps H.264 + AAC clip, made once in process,
 * into the shipped WhatsApp status rendition (720x1280 H.264 at 1.5 Mb/s, AAC copied, 16 MB cap), decoded,
 * scaled, encoded and muxed in memory with the transcoder's default threads (2). One job per invocation.
 *
 * <p>{@code content}: {@code textured} pans a fine texture with grain across the frame (about 8 Mb/s as
 * H.264 at the source, like phone footage to a codec; the encoder's worst case here), {@code pattern} is
 * the tests' flat red/blue picture with a moving box (cheap to code). After each iteration the real-time
 * factor (clip seconds per second of work) is printed.
 *
 * <pre>java -jar bench/target/benchmarks.jar VideoTranscodeBenchmark -f 1 -wi 1 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class VideoTranscodeBenchmark {
    private static final double CLIP_SECONDS = 10;

    @Param({"textured", "pattern"})
    public String content;

    private ByteBuf clip;
    private Map<String, VideoRendition> renditions;
    private VideoTranscoder transcoder;
    private long jobs;
    private long nanos;
    private long cpuMillis;

    @Setup(Level.Trial)
    public void makeClip() {
        transcoder = new VideoTranscoder(PooledByteBufAllocator.DEFAULT); // first: it quiets FFmpeg's log
        clip = content.equals("textured") ? TestVideos.texturedClip(1080, 1920, 30, CLIP_SECONDS)
                : TestVideos.clip(1080, 1920, 30, CLIP_SECONDS, TestVideos.Audio.AAC);
        renditions = Map.of("whatsapp", PlatformProfiles.shipped().of("whatsapp").orElseThrow().video());
        System.out.printf("%n%s clip: %d bytes (%.1f Mb/s)%n", content, clip.readableBytes(),
                clip.readableBytes() * 8 / CLIP_SECONDS / 1e6);
    }

    @Setup(Level.Iteration)
    public void resetCount() {
        jobs = 0;
        nanos = 0;
        cpuMillis = 0;
    }

    @TearDown(Level.Iteration)
    public void printRealTimeFactor() {
        if (jobs > 0) {
            double seconds = nanos / 1e9 / jobs;
            double cpuSeconds = cpuMillis / 1e3 / jobs;
            // The CPU time says what the wall time would be on two idle cores, whatever else the machine ran.
            System.out.printf("%n%d jobs, %.2f s each: %.2fx real time; %.2f s of CPU each (%.2fx on 2 idle cores at best)%n",
                    jobs, seconds, CLIP_SECONDS / seconds, cpuSeconds, CLIP_SECONDS / (cpuSeconds / 2));
        }
    }

    @TearDown(Level.Trial)
    public void release() {
        clip.release();
    }

    @Benchmark
    public int tenSecondsOf1080pInto720x1280() throws MediaRejectedException {
        long started = System.nanoTime();
        long cpuStarted = processCpuMillis();
        int bytes = transcodeAndRelease(transcoder, clip, renditions);
        nanos += System.nanoTime() - started;
        cpuMillis += processCpuMillis() - cpuStarted;
        jobs++;
        return bytes;
    }

    /** @return the CPU time of the whole process (every FFmpeg thread too), from /proc/self/stat */
    /** Transcodes {@code clip} into {@code renditions} and releases every segment made; @return their bytes */
    static int transcodeAndRelease(VideoTranscoder transcoder, ByteBuf clip, Map<String, VideoRendition> renditions)
            throws MediaRejectedException {
        Map<String, List<Rendition>> made = transcoder.transcode(clip, renditions, MediaLimits.DEFAULTS);
        int bytes = 0;
        for (List<Rendition> segments : made.values()) {
            for (Rendition segment : segments) {
                bytes += segment.bytes().readableBytes();
                segment.release();
            }
        }
        return bytes;
    }

    static long processCpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime + stime, at 100 ticks/s
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
