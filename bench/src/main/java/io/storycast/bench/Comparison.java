package io.storycast.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The comparison run: on one machine, in one run, how close Storycast comes to what the machine, Redis and
 * the usual tools do, as a table of ratios. Sections, in order (each can be left out with {@code --sections}):
 * <ol>
 *   <li>{@code ingest} ({@link IngestComparison}): HTTP ingest events/s beside a bare Vert.x endpoint that
 *       only answers 202 (own JVM, same load from the same load JVM), and batched ingest beside the raw
 *       pipelined XADD limit of the same Redis (Vert.x client, and {@code redis-benchmark} when installed);
 *       open-model latencies of single events and batches, gateway and bare endpoint at the same rates;</li>
 *   <li>{@code fanout} ({@link FanoutComparison}): tray writes/s of one story's fan-out to a large audience
 *       beside the raw pipelined ZADD limit of the same Redis;</li>
 *   <li>{@code latency} ({@link FanoutLatency}): ingest→tray latency of small stories, alone and beside a
 *       large fan-out (open model);</li>
 *   <li>{@code image} ({@link ImageComparison}): the three image renditions beside the {@code ffmpeg} CLI
 *       and {@code vipsthumbnail};</li>
 *   <li>{@code video} ({@link VideoComparison}): a story video beside the {@code ffmpeg} CLI.</li>
 * </ol>
 * Nothing is installed: a missing tool is named with its Debian package and its rows are skipped. A section
 * that fails is reported as such and the run goes on. Writes {@code comparison.md}, {@code comparison.json},
 * {@code latency-percentiles.png} and one {@code .hgrm} per latency phase into {@code --out}
 * ({@code bench/target/compare}), with each section's logs and raw outputs in a folder of its own.
 *
 * <pre>bench/compare.sh [--quick] [--sections ingest,fanout,latency,image,video] [--seconds N] [--warmup N]
 *      [--server-warmup N] [--latency-seconds N] [--single-rate 2000] [--batch-rate 100]
 *      [--redis-benchmark-requests N] [--followers N] [--stories N] [--steady-rate N] [--lane-rate 200]
 *      [--latency-warmup N] [--authors N] [--small-followers 100] [--celebrity-followers N] [--image-runs N]
 *      [--image-warmups N] [--video-runs N] [--video-warmups 1] [--video-clip-seconds N]
 *      [--gateway-jvm-args "..."] [--gateway-jar gateway/target/storycast-gateway.jar] [--out bench/target/compare]</pre>
 * (N: the {@link #FULL} or {@link #QUICK} default), and passed to one section with that section's default:
 * {@code --single-in-flight}, {@code --batch-in-flight}, {@code --partitions}, {@code --redis-config} (ingest),
 * {@code --chunk-size} (fanout), {@code --batch-millis}, {@code --gateway-env} (latency). An option no section
 * knows stops the run before it starts.
 * {@code --quick} takes about 3 minutes and only checks that every section runs (its phases are too short
 * for figures worth keeping); the full run takes 8 to 9 minutes on 2 cores.
 */
public final class Comparison {
    private static final List<String> SECTIONS = List.of("ingest", "fanout", "latency", "image", "video");

    /**
     * The full run's settings; every one can be given on the command line. Each section's other options (e.g.
     * {@code --partitions}, {@code --chunk-size}, {@code --gateway-env}) pass through with that section's default.
     */
    private static final Map<String, String> FULL = Map.ofEntries(
            Map.entry("seconds", "10"), Map.entry("warmup", "3"), Map.entry("server-warmup", "20"),
            Map.entry("latency-seconds", "10"),
            Map.entry("single-rate", "2000"), Map.entry("batch-rate", "100"),
            Map.entry("redis-benchmark-requests", "2000000"),
            Map.entry("followers", "1000000"), Map.entry("stories", "3"),
            Map.entry("steady-rate", "500"), Map.entry("lane-rate", "200"), Map.entry("latency-warmup", "10"),
            Map.entry("authors", "500"), Map.entry("small-followers", "100"), Map.entry("celebrity-followers", "1000000"),
            Map.entry("image-runs", "15"), Map.entry("image-warmups", "3"),
            Map.entry("video-runs", "3"), Map.entry("video-warmups", "1"), Map.entry("video-clip-seconds", "10"));

    /**
     * {@code --quick}: what differs from {@link #FULL}, the same phases shorter and smaller (single and batch rates,
     * the lane rate, the small audiences and the video warm-ups stay as in the full run).
     */
    private static final Map<String, String> QUICK = Map.ofEntries(
            Map.entry("seconds", "4"), Map.entry("warmup", "2"), Map.entry("server-warmup", "5"),
            Map.entry("latency-seconds", "4"), Map.entry("redis-benchmark-requests", "500000"),
            Map.entry("followers", "200000"), Map.entry("stories", "2"),
            Map.entry("steady-rate", "0"), Map.entry("latency-warmup", "4"),
            Map.entry("authors", "200"), Map.entry("celebrity-followers", "200000"),
            Map.entry("image-runs", "5"), Map.entry("image-warmups", "1"),
            Map.entry("video-runs", "1"), Map.entry("video-clip-seconds", "4"));

    /** Every section's settings, read before anything runs: a bad or unknown option stops the run at once. */
    private record Plan(IngestComparison.Settings ingest, FanoutComparison.Settings fanout, FanoutLatency.Settings latency,
                        int imageRuns, int imageWarmups, int videoRuns, int videoWarmups, int videoClipSeconds) {
        static Plan from(Arguments options) {
            // The ingest section always measures the bare endpoint; the fan-out section skips the ZADD + PEXPIRE line
            // and gives redis-benchmark half as many requests again (ZADD is quicker than XADD: a phase of like length).
            IngestComparison.Settings ingest = IngestComparison.Settings.from(options.with("bare", "true"));
            FanoutComparison.Settings fanout = FanoutComparison.Settings.from(options.with("with-expiry", "false")
                    .with("redis-benchmark-requests", Integer.toString(3 * options.integer("redis-benchmark-requests", 0) / 2)));
            // "followers" is the fan-out section's audience; the latency section has options of its own.
            FanoutLatency.Settings latency = FanoutLatency.Settings.from(options
                    .with("followers", options.string("small-followers", null))
                    .with("rate", options.string("steady-rate", null))
                    .with("seconds", options.string("latency-seconds", null))
                    .with("warmup", options.string("latency-warmup", null)));
            return new Plan(ingest, fanout, latency, options.integer("image-runs", 0), options.integer("image-warmups", 0),
                    options.integer("video-runs", 0), options.integer("video-warmups", 0),
                    options.integer("video-clip-seconds", 0));
        }
    }

    private Comparison() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        long startNanos = System.nanoTime();
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Machine machine = Machine.now();
        Arguments given = Arguments.parse(args);
        boolean quick = given.bool("quick", false);
        Map<String, String> defaults = new HashMap<>(FULL);
        if (quick) {
            defaults.putAll(QUICK);
        }
        Arguments options = given.withDefaults(defaults);
        Set<String> sections = new LinkedHashSet<>(List.of(options.string("sections", String.join(",", SECTIONS)).split(",")));
        if (!SECTIONS.containsAll(sections)) {
            throw new IllegalArgumentException("--sections " + sections + ": the sections are " + SECTIONS);
        }
        Path out = options.path("out", "bench/target/compare");
        Plan plan = Plan.from(options);
        options.requireKnown();
        Files.createDirectories(out);
        String command = System.getenv().getOrDefault("STORYCAST_COMPARE_COMMAND",
                "java -cp bench/target/benchmarks.jar " + Comparison.class.getName()) + (args.length == 0 ? "" : " " + String.join(" ", args));
        System.out.printf("comparison run (%s): sections %s, output %s%n", quick ? "quick" : "full", sections, out.toAbsolutePath());
        Tools.DEBIAN_PACKAGES.keySet().stream().sorted().forEach(Tools::find); // says up front what is missing

        ComparisonReport report = new ComparisonReport();
        for (String section : sections) {
            System.out.printf("%n== %s ==%n", section);
            try {
                Path folder = Files.createDirectories(out.resolve(section));
                switch (section) {
                    case "ingest" -> ingest(plan.ingest(), folder, report);
                    case "fanout" -> fanout(plan.fanout(), folder, report);
                    case "latency" -> latency(plan.latency(), folder, report);
                    case "image" -> image(plan.imageRuns(), plan.imageWarmups(), report);
                    case "video" -> video(plan.videoRuns(), plan.videoWarmups(), plan.videoClipSeconds(), report);
                    default -> throw new IllegalArgumentException("unknown section " + section + "; sections are " + SECTIONS);
                }
            } catch (Exception failed) {
                failed.printStackTrace(System.out);
                report.skip(section, "the section failed: " + failed);
            }
        }
        long seconds = (System.nanoTime() - startNanos) / 1_000_000_000L;
        String markdown = report.write(out, date, machine, command, quick ? "quick (--quick)" : "full", seconds);
        System.out.println();
        System.out.println(markdown);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private static void ingest(IngestComparison.Settings settings, Path folder, ComparisonReport report) throws Exception {
        IngestComparison.Outcome outcome = IngestComparison.run(settings, folder);
        Map<String, IngestComparison.Result> by = outcome.byKey();
        report.rate("HTTP ingest, single events (closed loop)", by.get("http-single"), by.get("bare-single"), null);
        report.rate("HTTP ingest, NDJSON batches of 100 (closed loop)", by.get("http-batch"), by.get("bare-batch"), null);
        report.rate("batched ingest vs raw pipelined XADD (Vert.x client)", by.get("http-batch"), by.get("raw-xadd"), 50.0);
        if (by.containsKey("redis-benchmark-xadd")) {
            report.rate("batched ingest vs raw pipelined XADD (redis-benchmark)", by.get("http-batch"), by.get("redis-benchmark-xadd"), 50.0);
        } else {
            report.skip("batched ingest vs raw pipelined XADD (redis-benchmark)", Tools.notInstalled("redis-benchmark"));
        }
        report.latencies(outcome.latencies());
        report.details("Ingest (closed loops: rates only)", Report.table(outcome.results(), "events/s",
                "raw pipelined XADD (Vert.x client)"), "ingest", IngestComparison.Result.toJson(outcome.results()));
    }

    private static void fanout(FanoutComparison.Settings fanout, Path folder, ComparisonReport report) throws Exception {
        FanoutComparison.Outcome outcome = FanoutComparison.run(fanout, folder);
        Map<String, IngestComparison.Result> by = outcome.byKey();
        // The earlier stories warm the gateway's JIT and create the trays: the last one is the figure.
        IngestComparison.Result last = by.get("fanout-" + fanout.stories());
        String name = String.format("fan-out of one story to %,d followers (the last of %d) vs raw pipelined ZADD",
                fanout.followers(), fanout.stories());
        report.rate(name + " (Vert.x client)", last, by.get("raw-zadd"), 70.0);
        if (by.containsKey("redis-benchmark-zadd")) {
            report.rate(name + " (redis-benchmark)", last, by.get("redis-benchmark-zadd"), 70.0);
        } else {
            report.skip(name + " (redis-benchmark)", Tools.notInstalled("redis-benchmark"));
        }
        report.details("Fan-out (tray writes/s)", Report.table(outcome.results(), "tray writes/s",
                "raw pipelined ZADD (Vert.x client)"), "fanout", IngestComparison.Result.toJson(outcome.results()));
    }

    private static void latency(FanoutLatency.Settings settings, Path folder, ComparisonReport report) throws Exception {
        FanoutLatency.Outcome outcome = FanoutLatency.run(settings, folder);
        report.latencies(outcome.latencies());
        report.details("Ingest→tray latency beside a large fan-out", String.format("p99 beside the large fan-out over the lane "
                        + "baseline's p99: %.2f (goal: at most 2); the large fan-out took %.1f s, %,.0f tray writes/s.%n",
                outcome.p99Ratio(), outcome.large().seconds(), outcome.large().writesPerSecond()), "fanoutLatency",
                new JsonObject().put("p99Ratio", outcome.p99Ratio()).put("largeSeconds", outcome.large().seconds())
                        .put("largeWritesPerSecond", Math.round(outcome.large().writesPerSecond())));
    }

    private static void image(int runs, int warmups, ComparisonReport report) throws Exception {
        ImageComparison.Outcome outcome = ImageComparison.run(runs, warmups);
        String job = "12 MP JPEG into 3 image renditions";
        timeOrSkip(report, job + " vs the ffmpeg CLI", outcome.inProcessMillis(), "ffmpeg CLI, one command",
                outcome.ffmpegMillis(), 0.5, "ffmpeg");
        timeOrSkip(report, job + " vs vipsthumbnail", outcome.inProcessMillis(), "vipsthumbnail, 3 commands",
                outcome.vipsMillis(), null, "vipsthumbnail");
        report.details("Image renditions (median of " + runs + " runs)", String.format(
                "| way | median ms |%n|---|---:|%n| in process (ImageTranscoder) | %.1f |%n| ffmpeg CLI, one command, 3 outputs | %s |%n"
                        + "| vipsthumbnail, 3 commands | %s |%n", outcome.inProcessMillis(), ImageComparison.show(outcome.ffmpegMillis()),
                ImageComparison.show(outcome.vipsMillis())), "image", new JsonObject()
                .put("inProcessMillis", outcome.inProcessMillis()).put("ffmpegMillis", orNull(outcome.ffmpegMillis()))
                .put("vipsthumbnailMillis", orNull(outcome.vipsMillis())));
    }

    private static void video(int runs, int warmups, int clipSeconds, ComparisonReport report) throws Exception {
        VideoComparison.Outcome outcome = VideoComparison.run(runs, warmups, clipSeconds);
        String job = String.format("%d s 1080p30 video into the 720x1280 WhatsApp rendition", outcome.clipSeconds());
        timeOrSkip(report, job + " vs the ffmpeg CLI (libx264 medium)", outcome.inProcessMillis(),
                "ffmpeg CLI, libx264 -preset medium", outcome.mediumMillis(), 0.9, "ffmpeg");
        timeOrSkip(report, job + " vs the ffmpeg CLI (libx264 veryfast)", outcome.inProcessMillis(),
                "ffmpeg CLI, libx264 -preset veryfast", outcome.veryfastMillis(), null, "ffmpeg");
        if (outcome.bundledApart()) {
            report.time(job + ", default encoder vs FFmpeg's bundled libopenh264", outcome.inProcessMillis(),
                    "in process, FFmpeg's bundled libopenh264", outcome.bundledMillis(), null);
        } else {
            report.skip(job + ", default encoder vs FFmpeg's bundled libopenh264",
                    "the default is the bundled one here: no system libopenh264 (Debian package libopenh264-7)");
        }
        report.details("Video (median of " + runs + " runs; default encoder: " + outcome.encoder() + ")", String.format(
                "| way | median ms | real time |%n|---|---:|---:|%n| in process (VideoTranscoder, default encoder) | %.0f | %s |%n"
                        + "| in process, FFmpeg's bundled libopenh264 | %.0f | %s |%n"
                        + "| ffmpeg CLI, libx264 -preset medium | %s | %s |%n| ffmpeg CLI, libx264 -preset veryfast | %s | %s |%n",
                outcome.inProcessMillis(), VideoComparison.realTime(outcome.inProcessMillis(), outcome.clipSeconds()),
                outcome.bundledMillis(), VideoComparison.realTime(outcome.bundledMillis(), outcome.clipSeconds()),
                ImageComparison.show(outcome.mediumMillis()), VideoComparison.realTime(outcome.mediumMillis(), outcome.clipSeconds()),
                ImageComparison.show(outcome.veryfastMillis()), VideoComparison.realTime(outcome.veryfastMillis(), outcome.clipSeconds())),
                "video", new JsonObject().put("clipSeconds", outcome.clipSeconds()).put("encoder", outcome.encoder())
                        .put("inProcessMillis", outcome.inProcessMillis()).put("bundledMillis", outcome.bundledMillis())
                        .put("ffmpegMediumMillis", orNull(outcome.mediumMillis()))
                        .put("ffmpegVeryfastMillis", orNull(outcome.veryfastMillis())));
    }

    /** A time row, or a skipped one naming the Debian package of the tool when it was not installed. */
    private static void timeOrSkip(ComparisonReport report, String comparison, double storycastMillis, String reference,
                                   double referenceMillis, Double goal, String tool) {
        if (Double.isNaN(referenceMillis)) {
            report.skip(comparison, Tools.notInstalled(tool));
        } else {
            report.time(comparison, storycastMillis, reference, referenceMillis, goal);
        }
    }

    private static Double orNull(double millis) {
        return Double.isNaN(millis) ? null : Math.round(millis * 10) / 10.0;
    }
}
