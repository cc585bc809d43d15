package io.storycast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.MediaLimits;
import io.storycast.media.Rendition;
import io.storycast.media.ffmpeg.TestVideos;
import io.storycast.media.ffmpeg.VideoTranscoder;
import io.storycast.media.profile.PlatformProfiles;
import io.storycast.media.profile.VideoRendition;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.storycast.bench.ImageComparison.medianMillis;
import static io.storycast.bench.ImageComparison.ratio;
import static io.storycast.bench.ImageComparison.runCommand;
import static io.storycast.bench.ImageComparison.show;

/**
 * The video path beside Debian's {@code ffmpeg} CLI in one run on one machine: a 1080x1920 30 fps clip (10 s by default)
 * like camera footage ({@code TestVideos.texturedClip}) into the shipped WhatsApp story video (720x1280
 * H.264 at its bit rate, a closed GOP every 2 s, AAC copied, {@code moov} first), each way timed
 * {@code --runs} times after {@code --warmups} untimed runs (1 by default), medians compared. Debian's CLI has no libopenh264, so it
 * encodes with libx264, at its default preset ({@code medium}) and at {@code veryfast}; the output is the
 * same format, not the same encoder. Wall-clock times; read the ratios.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.storycast.bench.VideoComparison [--runs 3] [--warmups 1] [--clip-seconds 10]</pre>
 */
public final class VideoComparison {
    /**
     * Median wall-clock times of one job each way, milliseconds; {@code NaN} when {@code ffmpeg} is not installed.
     *
     * @param clipSeconds the clip's length, for the real-time factor
     */
    record Outcome(double inProcessMillis, double mediumMillis, double veryfastMillis, int clipSeconds) {
    }

    public static void main(String[] args) throws Exception {
        Arguments options = Arguments.parse(args);
        int runs = options.integer("runs", 3);
        int warmups = options.integer("warmups", 1);
        int clipSeconds = options.integer("clip-seconds", 10);
        options.requireKnown();
        Outcome outcome = run(runs, warmups, clipSeconds);
        double inProcess = outcome.inProcessMillis();
        System.out.println();
        System.out.println("| way | median ms | real time | in-process time / this |");
        System.out.println("|---|---|---|---|");
        System.out.printf("| in process (VideoTranscoder, libopenh264) | %.0f | %s | 1.00 |%n", inProcess,
                realTime(inProcess, outcome.clipSeconds()));
        System.out.printf("| ffmpeg CLI, libx264 -preset medium | %s | %s | %s |%n", show(outcome.mediumMillis()),
                realTime(outcome.mediumMillis(), outcome.clipSeconds()), ratio(inProcess, outcome.mediumMillis()));
        System.out.printf("| ffmpeg CLI, libx264 -preset veryfast | %s | %s | %s |%n", show(outcome.veryfastMillis()),
                realTime(outcome.veryfastMillis(), outcome.clipSeconds()), ratio(inProcess, outcome.veryfastMillis()));
        System.out.println();
        System.out.println("goals: >= 4x real time; in-process time <= 0.9x the CLI's");
    }

    /** Times each way {@code runs} times after {@code warmups} untimed runs, on a clip of {@code clipSeconds}. */
    static Outcome run(int runs, int warmups, int clipSeconds) throws Exception {
        VideoTranscoder transcoder = new VideoTranscoder(PooledByteBufAllocator.DEFAULT);
        try (TempFolder folder = TempFolder.create("storycast-video-comparison")) {
            Path work = folder.path();
            ByteBuf clip = TestVideos.texturedClip(1080, 1920, 30, clipSeconds);
            Path input = work.resolve("clip.mp4");
            try (FileChannel file = FileChannel.open(input, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                file.write(clip.nioBuffer());
            }
            VideoRendition whatsapp = PlatformProfiles.shipped().of("whatsapp").orElseThrow().video();
            System.out.printf("input: %s, %d bytes, 1080x1920 30 fps %d s; into %dx%d at %d b/s; %d runs each after %d warm-up%n",
                    input, clip.readableBytes(), clipSeconds, whatsapp.width(), whatsapp.height(),
                    whatsapp.videoBitsPerSecond(), runs, warmups);

            MediaLimits limits = new MediaLimits(MediaLimits.DEFAULTS.maxUploadBytes(), MediaLimits.DEFAULTS.maxPixels(),
                    MediaLimits.DEFAULTS.maxDurationMillis(), 600_000);
            double inProcess;
            try {
                inProcess = medianMillis(warmups, runs, () -> {
                    Map<String, List<Rendition>> made = transcoder.transcode(clip, Map.of("whatsapp", whatsapp), limits);
                    made.values().forEach(list -> list.forEach(Rendition::release));
                });
            } finally {
                clip.release();
            }
            boolean cli = Tools.installed("ffmpeg");
            double medium = cli ? medianMillis(warmups, runs, () -> runCommand(cli(input, whatsapp, "medium", work))) : Double.NaN;
            double veryfast = cli ? medianMillis(warmups, runs, () -> runCommand(cli(input, whatsapp, "veryfast", work))) : Double.NaN;
            return new Outcome(inProcess, medium, veryfast, clipSeconds);
        }
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
        command.add(work.resolve("cli-" + preset + ".mp4").toString());
        return command;
    }

    static String realTime(double millis, int clipSeconds) {
        return Double.isNaN(millis) ? "-" : String.format("%.1fx", clipSeconds * 1000 / millis);
    }
}
