package io.storycast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.Rendition;
import io.storycast.media.ffmpeg.ImageTranscoder;
import io.storycast.media.ffmpeg.TestImages;
import io.storycast.media.profile.ImageRendition;
import io.storycast.media.profile.PlatformProfiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The image path beside the tools an operator would otherwise script, in one run on one machine: one
 * 12 MP (4000x3000) photo-like JPEG into the three distinct image renditions of the shipped profiles
 * (1080x1920 JPEG, 720x1280 JPEG, 270x480 WebP), each way timed {@code --runs} times after a warm-up,
 * medians compared:
 * <ul>
 *   <li>in process: {@link ImageTranscoder}, one decode, one filter graph, one thread, off-heap;</li>
 *   <li>Debian's {@code ffmpeg} CLI making the same three outputs in one command (one decode, a split
 *       filter graph, process start included, as a script would run it);</li>
 *   <li>{@code vipsthumbnail} (libvips-tools), one command per output, as it takes one size.</li>
 * </ul>
 * A tool that is not installed is reported as such, with the Debian package that provides it. Wall-clock times from {@link System#nanoTime()};
 * ratios are what to read, not the absolute times of a shared 2-core machine.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.storycast.bench.ImageComparison [--runs 15] [--warmups 3]</pre>
 */
public final class ImageComparison {
    private static final String CROP_TO = "scale=%1$d:%2$d:force_original_aspect_ratio=increase,crop=%1$d:%2$d,setsar=1";

    /**
     * Median wall-clock times of one job each way, milliseconds; {@code NaN} for a tool not installed.
     *
     * @param ffmpegMillis the {@code ffmpeg} CLI making the three outputs in one command
     * @param vipsMillis   {@code vipsthumbnail}, one command per output
     */
    record Outcome(double inProcessMillis, double ffmpegMillis, double vipsMillis) {
    }

    public static void main(String[] args) throws Exception {
        Arguments options = Arguments.parse(args);
        int runs = options.integer("runs", 15);
        int warmups = options.integer("warmups", 3);
        options.requireKnown();
        Outcome outcome = run(runs, warmups);
        System.out.println();
        System.out.println("| way | median ms | in-process time / this |");
        System.out.println("|---|---|---|");
        System.out.printf("| in process (ImageTranscoder) | %.1f | 1.00 |%n", outcome.inProcessMillis());
        System.out.printf("| ffmpeg CLI, one command, 3 outputs | %s | %s |%n", show(outcome.ffmpegMillis()),
                ratio(outcome.inProcessMillis(), outcome.ffmpegMillis()));
        System.out.printf("| vipsthumbnail, 3 commands | %s | %s |%n", show(outcome.vipsMillis()),
                ratio(outcome.inProcessMillis(), outcome.vipsMillis()));
        System.out.println();
        System.out.println("goal: in-process time <= 0.5x the ffmpeg CLI's");
    }

    /** Times each way {@code runs} times after {@code warmups} untimed runs; answers the medians. */
    static Outcome run(int runs, int warmups) throws Exception {
        try (TempFolder folder = TempFolder.create("storycast-image-comparison")) {
            Path work = folder.path();
            ByteBuf photo = TestImages.photoLikeJpeg(4000, 3000);
            Path input = work.resolve("photo.jpg");
            try (FileChannel file = FileChannel.open(input, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                file.write(photo.nioBuffer());
            }
            System.out.printf("input: %s, %d bytes, 4000x3000; %d runs each after %d warm-up runs%n", input,
                    photo.readableBytes(), runs, warmups);

            PlatformProfiles profiles = PlatformProfiles.shipped();
            Map<String, List<ImageRendition>> renditions = Map.of("instagram", profiles.of("instagram").orElseThrow().images(),
                    "whatsapp", profiles.of("whatsapp").orElseThrow().images().subList(0, 1));
            ImageTranscoder transcoder = new ImageTranscoder(PooledByteBufAllocator.DEFAULT);
            double inProcess;
            try {
                inProcess = medianMillis(warmups, runs, () -> {
                    Map<String, List<Rendition>> made = transcoder.transcode(photo, renditions, MediaLimits.DEFAULTS);
                    made.values().forEach(list -> list.forEach(Rendition::release));
                });
            } finally {
                photo.release();
            }

            List<String> cli = List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", input.toString(),
                    "-filter_complex", "[0]split=3[a][b][c];[a]" + String.format(CROP_TO, 1080, 1920) + "[story];[b]"
                            + String.format(CROP_TO, 720, 1280) + "[status];[c]" + String.format(CROP_TO, 270, 480) + "[preview]",
                    "-map", "[story]", "-q:v", "3", work.resolve("story.jpg").toString(),
                    "-map", "[status]", "-q:v", "5", work.resolve("status.jpg").toString(),
                    "-map", "[preview]", "-c:v", "libwebp", "-quality", "70", work.resolve("preview.webp").toString());
            double ffmpeg = Tools.installed("ffmpeg") ? medianMillis(warmups, runs, () -> runCommand(cli)) : Double.NaN;
            double vips = Tools.installed("vipsthumbnail") ? medianMillis(warmups, runs, () -> {
                runCommand(vipsthumbnail(input, "1080x1920", work.resolve("v-story.jpg[Q=85,strip]")));
                runCommand(vipsthumbnail(input, "720x1280", work.resolve("v-status.jpg[Q=75,strip]")));
                runCommand(vipsthumbnail(input, "270x480", work.resolve("v-preview.webp[Q=70,strip]")));
            }) : Double.NaN;
            return new Outcome(inProcess, ffmpeg, vips);
        }
    }

    private static List<String> vipsthumbnail(Path input, String size, Path output) {
        // --size WxH with -c (crop) fills the frame and crops the rest: the profiles' cover fit.
        return List.of("vipsthumbnail", input.toString(), "--size", size, "-c", "-o", output.toString());
    }

    interface Job {
        void run() throws Exception;
    }

    static double medianMillis(int warmups, int runs, Job job) throws Exception {
        for (int warmUp = 0; warmUp < warmups; warmUp++) {
            job.run();
        }
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            job.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return runs % 2 == 1 ? millis[runs / 2] : (millis[runs / 2 - 1] + millis[runs / 2]) / 2;
    }

    static void runCommand(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    static String show(double millis) {
        return Double.isNaN(millis) ? "not installed" : String.format("%.1f", millis);
    }

    static String ratio(double inProcess, double other) {
        return Double.isNaN(other) ? "-" : String.format("%.2f", inProcess / other);
    }
}
