package io.storycast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.Rendition;
import io.storycast.media.ffmpeg.TestVideos;
import io.storycast.media.ffmpeg.H264Encoders;
import io.storycast.media.ffmpeg.VideoTranscoder;
import io.storycast.media.profile.PlatformProfiles;
import io.storycast.media.profile.VideoRendition;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.storycast.bench.ImageComparison.medianMillis;
import static io.storycast.bench.ImageComparison.ratio;
import static io.storycast.bench.ImageComparison.runCommand;
import static io.storycast.bench.ImageComparison.show;

/**
 * The video path beside Debian's {@code ffmpeg} CLI in one run on one machine: a 1080x1920 30 fps clip (10 s by default;
 * {@code --clip}: {@code textured} by default, {@code camera} or {@code pattern}, see {@link VideoTranscodeBenchmark})
 * into the shipped WhatsApp story video (720x1280 H.264 at its bit rate, a closed GOP every 2 s, AAC copied,
 * {@code moov} first), each way timed {@code --runs} times after {@code --warmups} untimed runs (1 by default), medians
 * compared. In process twice: with the default encoder ({@code media.h264Encoder auto}: the system's {@code libopenh264}
 * when installed, see {@code H264Encoders}) and with FFmpeg's bundled OpenH264. Debian's CLI has no libopenh264, so it encodes with libx264, at its default preset ({@code medium}) and at
 * {@code veryfast}; the output is the same format, not the same encoder. Beside the wall-clock medians, each way's mean
 * CPU time per job (the process's for the transcoder, the waited-for child's for the CLI: what other work on the machine
 * does not change), and each output's PSNR and SSIM against the source scaled to 720x1280 with lanczos (FFmpeg's
 * {@code psnr} and {@code ssim} filters, through the CLI), frame by frame from each one's first picture.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.storycast.bench.VideoComparison [--runs 3] [--warmups 1] [--clip-seconds 10] [--clip textured]</pre>
 */
public final class VideoComparison {
    /**
     * Median wall-clock times of one job each way, milliseconds; {@code NaN} when {@code ffmpeg} is not installed.
     *
     * @param inProcessMillis the transcoder as the gateway runs it by default ({@code auto}: the system's
     *                        {@code libopenh264} when installed)
     * @param bundledMillis   the transcoder with FFmpeg's bundled OpenH264 ({@code media.h264Encoder bundled}); the
     *                        same as {@code inProcessMillis} when the default is the bundled one
     * @param clipSeconds     the clip's length, for the real-time factor
     * @param cpuMillis       mean CPU time of one job each way (default, bundled, medium, veryfast), milliseconds
     * @param quality         each way's output against the source, in the same order; empty without {@code ffmpeg}
     * @param encoder         which OpenH264 the default way encoded with ({@code H264Encoders#description})
     * @param bundledApart    whether the bundled encoder was timed apart: false when the default is the bundled
     *                        one (no system library), whose figures are then copied
     */
    record Outcome(double inProcessMillis, double bundledMillis, double mediumMillis, double veryfastMillis, int clipSeconds,
                   double[] cpuMillis, List<Quality> quality, String encoder, boolean bundledApart) {
    }

    /** PSNR (dB, average over the frames, Y U V weighted) and SSIM (All) of an output against the source. */
    record Quality(double psnr, double ssim) {
    }

    private static final String[] WAYS = {"in process (VideoTranscoder, default encoder)", "in process, FFmpeg's bundled libopenh264",
            "ffmpeg CLI, libx264 -preset medium", "ffmpeg CLI, libx264 -preset veryfast"};

    public static void main(String[] args) throws Exception {
        Arguments options = Arguments.parse(args);
        int runs = options.integer("runs", 3);
        int warmups = options.integer("warmups", 1);
        int clipSeconds = options.integer("clip-seconds", 10);
        String clip = options.string("clip", "textured");
        options.requireKnown();
        Outcome outcome = run(runs, warmups, clipSeconds, clip);
        double inProcess = outcome.inProcessMillis();
        double[] millis = {inProcess, outcome.bundledMillis(), outcome.mediumMillis(), outcome.veryfastMillis()};
        System.out.println();
        System.out.println("default encoder: " + outcome.encoder());
        System.out.println("| way | median ms | real time | in-process time / this | CPU per job ms | in-process CPU / this | PSNR dB | SSIM |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < WAYS.length; i++) {
            Quality quality = outcome.quality().isEmpty() ? null : outcome.quality().get(i);
            System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s |%n", WAYS[i], show(millis[i]), realTime(millis[i], clipSeconds),
                    ratio(inProcess, millis[i]), show(outcome.cpuMillis()[i]), ratio(outcome.cpuMillis()[0], outcome.cpuMillis()[i]),
                    quality == null ? "-" : String.format("%.2f", quality.psnr()), quality == null ? "-" : String.format("%.4f", quality.ssim()));
        }
        System.out.println();
        System.out.println("goals: >= 4x real time; in-process time <= 0.9x the CLI's; load average at the end " + VideoTranscodeBenchmark.loadAverage());
    }

    /** Times each way {@code runs} times after {@code warmups} untimed runs, on the textured clip of {@code clipSeconds}. */
    static Outcome run(int runs, int warmups, int clipSeconds) throws Exception {
        return run(runs, warmups, clipSeconds, "textured");
    }

    /** Times each way {@code runs} times after {@code warmups} untimed runs, on clip {@code content} of {@code clipSeconds}. */
    static Outcome run(int runs, int warmups, int clipSeconds, String content) throws Exception {
        VideoTranscoder transcoder = new VideoTranscoder(PooledByteBufAllocator.DEFAULT);
        VideoTranscoder bundled = new VideoTranscoder(PooledByteBufAllocator.DEFAULT, VideoTranscoder.DEFAULT_THREADS, H264Encoders.bundled());
        boolean bundledApart = transcoder.encoders().usesSystemLibrary();
        try (TempFolder folder = TempFolder.create("storycast-video-comparison")) {
            Path work = folder.path();
            ByteBuf clip = VideoTranscodeBenchmark.clip(content, clipSeconds);
            Path input = work.resolve("clip.mp4");
            try (FileChannel file = FileChannel.open(input, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                file.write(clip.nioBuffer());
            }
            VideoRendition whatsapp = PlatformProfiles.shipped().of("whatsapp").orElseThrow().video();
            System.out.printf("input: %s clip %s, %d bytes, 1080x1920 30 fps %d s; into %dx%d at %d b/s; %d runs each after %d warm-up%n",
                    content, input, clip.readableBytes(), clipSeconds, whatsapp.width(), whatsapp.height(),
                    whatsapp.videoBitsPerSecond(), runs, warmups);

            MediaLimits limits = new MediaLimits(MediaLimits.DEFAULTS.maxUploadBytes(), MediaLimits.DEFAULTS.maxPixels(),
                    MediaLimits.DEFAULTS.maxDurationMillis(), 600_000);
            Path inProcessOutput = work.resolve("in-process.mp4");
            Path bundledOutput = work.resolve("in-process-bundled.mp4");
            double[] cpu = new double[4];
            double inProcess;
            double bundledMillis;
            try {
                inProcess = timeInProcess(transcoder, clip, whatsapp, limits, inProcessOutput, warmups, runs, cpu, 0);
                bundledMillis = bundledApart ? timeInProcess(bundled, clip, whatsapp, limits, bundledOutput, warmups, runs, cpu, 1) : inProcess;
                if (!bundledApart) {
                    cpu[1] = cpu[0];
                    Files.copy(inProcessOutput, bundledOutput);
                }
            } finally {
                clip.release();
            }
            boolean cli = Tools.installed("ffmpeg");
            double medium = cli ? timeCli(warmups, runs, cli(input, whatsapp, "medium", work), cpu, 2) : Double.NaN;
            double veryfast = cli ? timeCli(warmups, runs, cli(input, whatsapp, "veryfast", work), cpu, 3) : Double.NaN;
            if (!cli) {
                cpu[2] = Double.NaN;
                cpu[3] = Double.NaN;
            }
            List<Quality> quality = cli ? List.of(quality(inProcessOutput, input, whatsapp), quality(bundledOutput, input, whatsapp),
                    quality(output(work, "medium"), input, whatsapp), quality(output(work, "veryfast"), input, whatsapp)) : List.of();
            return new Outcome(inProcess, bundledMillis, medium, veryfast, clipSeconds, cpu, quality, transcoder.encoders().description(),
                    bundledApart);
        }
    }

    /** @return the median wall time of {@code runs} jobs after {@code warmups}; their mean CPU time goes to {@code cpu[way]} */
    private static double timeInProcess(VideoTranscoder transcoder, ByteBuf clip, VideoRendition rendition, MediaLimits limits,
                                        Path output, int warmups, int runs, double[] cpu, int way) throws Exception {
        for (int i = 0; i < warmups; i++) {
            transcodeInto(transcoder, clip, rendition, limits, output);
        }
        long cpuBefore = VideoTranscodeBenchmark.processCpuMillis();
        double median = medianMillis(0, runs, () -> transcodeInto(transcoder, clip, rendition, limits, output));
        cpu[way] = (VideoTranscodeBenchmark.processCpuMillis() - cpuBefore) / (double) runs;
        return median;
    }

    private static void transcodeInto(VideoTranscoder transcoder, ByteBuf clip, VideoRendition rendition, MediaLimits limits, Path output)
            throws Exception {
        Map<String, List<Rendition>> made = transcoder.transcode(clip, Map.of("whatsapp", rendition), limits);
        try (FileChannel file = FileChannel.open(output, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            file.write(made.get("whatsapp").get(0).bytes().nioBuffer());
        } finally {
            made.values().forEach(list -> list.forEach(Rendition::release));
        }
    }

    private static double timeCli(int warmups, int runs, List<String> command, double[] cpu, int way) throws Exception {
        for (int i = 0; i < warmups; i++) {
            runCommand(command);
        }
        long before = VideoTranscodeBenchmark.childrenCpuMillis();
        double median = medianMillis(0, runs, () -> runCommand(command));
        cpu[way] = (VideoTranscodeBenchmark.childrenCpuMillis() - before) / (double) runs;
        return median;
    }

    /** @return {@code output} against {@code source} scaled to the rendition's frame with lanczos */
    private static Quality quality(Path output, Path source, VideoRendition rendition) throws Exception {
        // Frame by frame from each one's first: libx264's B-frames, without an edit list, start its output's
        // pictures 2 frames late (what the filters would otherwise pair with the wrong source frames).
        String reference = "[1:v]setpts=PTS-STARTPTS,scale=" + rendition.width() + ":" + rendition.height()
                + ":force_original_aspect_ratio=increase:flags=lanczos+accurate_rnd+full_chroma_int,crop=" + rendition.width() + ":"
                + rendition.height() + ",format=yuv420p[ref];[0:v]setpts=PTS-STARTPTS[out];[out][ref]";
        double psnr = measure(output, source, reference + "psnr", Pattern.compile("average:([0-9.]+|inf)"));
        double ssim = measure(output, source, reference + "ssim", Pattern.compile("All:([0-9.]+)"));
        return new Quality(psnr, ssim);
    }

    private static double measure(Path output, Path source, String graph, Pattern figure) throws Exception {
        Process process = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostats", "-i", output.toString(), "-i", source.toString(),
                "-lavfi", graph, "-f", "null", "-").redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("ffmpeg " + graph + " failed: " + log);
        }
        Matcher found = figure.matcher(log);
        if (!found.find()) {
            throw new IllegalStateException("no figure in ffmpeg's output: " + log);
        }
        return found.group(1).equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(found.group(1));
    }

    private static Path output(Path work, String preset) {
        return work.resolve("cli-" + preset + ".mp4");
    }

    private static List<String> cli(Path input, VideoRendition rendition, String preset, Path work) {
        int width = rendition.width();
        int height = rendition.height();
        int gop = rendition.framesPerSecond() * rendition.gopSeconds();
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", input.toString(),
                "-vf", "fps=" + rendition.framesPerSecond() + ",scale=" + width + ":" + height
                        + ":force_original_aspect_ratio=increase,crop=" + width + ":" + height + ",setsar=1,format=yuv420p",
                "-c:v", "libx264", "-preset", preset, "-b:v", Integer.toString(rendition.videoBitsPerSecond()),
                "-maxrate", Integer.toString(rendition.videoBitsPerSecond()), "-bufsize", Integer.toString(2 * rendition.videoBitsPerSecond()),
                "-g", Integer.toString(gop), "-keyint_min", Integer.toString(gop), "-sc_threshold", "0",
                "-c:a", "copy", "-map_metadata", "-1", "-use_editlist", "0", "-movflags", "+faststart"));
        command.add(output(work, preset).toString());
        return command;
    }

    static String realTime(double millis, int clipSeconds) {
        return Double.isNaN(millis) ? "-" : String.format("%.1fx", clipSeconds * 1000 / millis);
    }
}
