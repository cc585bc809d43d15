package io.storycast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.MediaRejectedException;
import io.storycast.media.Rendition;
import io.storycast.media.ffmpeg.H264Encoders;
import io.storycast.media.ffmpeg.TestVideos;
import io.storycast.media.ffmpeg.VideoTranscoder;
import io.storycast.media.openh264.OpenH264Library;
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
 * <p>{@code content}: {@code textured} pans a fine texture with grain across the frame (6.3 Mb/s as H.264 at
 * the source; the encoder's worst case here: grain it cannot predict), {@code camera} models a phone's footage
 * (a natural-looking scene, detail at every scale and hard edges, under a slow hand-held pan and faint grain, at
 * a phone's 16 Mb/s), {@code pattern} is the tests' flat red/blue picture with a moving box (cheap to code).
 *
 * <p>After each iteration it prints the wall time and the real-time factor per job, the process's CPU time
 * per job (what other work on the machine does not change; half of it bounds the wall time on two idle
 * cores), and that CPU split by thread group ({@link ThreadCpu}: encode, decode, job, jvm).
 *
 * <pre>java -jar bench/target/benchmarks.jar VideoTranscodeBenchmark -f 1 -wi 1 -i 3 [-p encoder=system] [-p content=camera]</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class VideoTranscodeBenchmark {
    private static final double CLIP_SECONDS = 10;

    @Param({"textured", "camera", "pattern"})
    public String content;

    /**
     * Which OpenH264 encodes: {@code system} (the system's {@code libopenh264.so.7}, built with its assembly; the
     * run fails without it: Debian package {@code libopenh264-7}) or {@code bundled} (FFmpeg's, without).
     */
    @Param({"system", "bundled"})
    public String encoder;

    private ByteBuf clip;
    private Map<String, VideoRendition> renditions;
    private VideoTranscoder transcoder;
    private long jobs;
    private long nanos;
    private long cpuMillis;
    private ThreadCpu threads;

    @Setup(Level.Trial)
    public void makeClip() {
        // First: the transcoder's class quiets FFmpeg's log.
        transcoder = new VideoTranscoder(PooledByteBufAllocator.DEFAULT, VideoTranscoder.DEFAULT_THREADS,
                encoder.equals("system") ? H264Encoders.system(OpenH264Library.DEFAULT_LIBRARY) : H264Encoders.bundled());
        clip = clip(content, CLIP_SECONDS);
        renditions = Map.of("whatsapp", PlatformProfiles.shipped().of("whatsapp").orElseThrow().video());
        System.out.printf("%n%s clip: %d bytes (%.1f Mb/s)%n", content, clip.readableBytes(),
                clip.readableBytes() * 8 / CLIP_SECONDS / 1e6);
    }

    @Setup(Level.Iteration)
    public void resetCount() {
        jobs = 0;
        nanos = 0;
        cpuMillis = 0;
        threads = ThreadCpu.start();
    }

    @TearDown(Level.Iteration)
    public void printRealTimeFactor() {
        Map<String, Long> byGroup = threads.stop();
        if (jobs > 0) {
            double seconds = nanos / 1e9 / jobs;
            double cpuSeconds = cpuMillis / 1e3 / jobs;
            // The CPU time says what the wall time would be on two idle cores, whatever else the machine ran.
            System.out.printf("%n%d jobs, %.2f s each: %.2fx real time; %.2f s of CPU each (%.2fx on 2 idle cores at best)%n",
                    jobs, seconds, CLIP_SECONDS / seconds, cpuSeconds, CLIP_SECONDS / (cpuSeconds / 2));
            System.out.printf("CPU per job by thread group: %s; load average %s%n", ThreadCpu.perJob(byGroup, jobs), loadAverage());
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

    /**
     * @param content {@code textured}, {@code camera} or {@code pattern} (see the class comment)
     * @return a 1080x1920 30 fps H.264 + AAC clip in a direct buffer the caller releases
     */
    static ByteBuf clip(String content, double seconds) {
        return switch (content) {
            case "textured" -> TestVideos.texturedClip(1080, 1920, 30, seconds);
            case "camera" -> TestVideos.cameraClip(1080, 1920, 30, seconds);
            case "pattern" -> TestVideos.clip(1080, 1920, 30, seconds, TestVideos.Audio.AAC);
            default -> throw new IllegalArgumentException("no clip " + content + ": textured, camera or pattern");
        };
    }

    /** @return the one-, five- and fifteen-minute load averages, from /proc/loadavg */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

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

    /** @return the CPU time of the whole process (every FFmpeg thread too), from /proc/self/stat */
    static long processCpuMillis() {
        return statTicks(11) * 10;
    }

    /** @return the CPU time of this process's children that it waited for (the CLI runs), from /proc/self/stat */
    static long childrenCpuMillis() {
        return statTicks(13) * 10;
    }

    /** @return the ticks at {@code field} (0 is the state) after the command name plus the next one: user + system */
    private static long statTicks(int field) {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[field]) + Long.parseLong(fields[field + 1]); // at 100 ticks/s
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
