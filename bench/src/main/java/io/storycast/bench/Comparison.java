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
 *      [--server-warmup N] [--latency-seconds N] [--single-rate 2000] [--batch-rate 100] [--followers N] [--stories N]
 *      [--steady-rate N] [--lane-rate 200] [--authors N] [--small-followers 100] [--celebrity-followers N]
 *      [--image-runs N] [--video-runs N] [--video-clip-seconds N]
 *      [--gateway-jvm-args "..."] [--gateway-jar gateway/target/storycast-gateway.jar] [--out bench/target/compare]</pre>
 * {@code --quick} takes about 3 minutes and only checks that every section runs (its phases are too short
 * for figures worth keeping); the full run takes 8 to 9 minutes on 2 cores.
 */
public final class Comparison {
    private static final List<String> SECTIONS = List.of("ingest", "fanout", "latency", "image", "video");

    /** The full run's settings; every one can be given on the command line. */
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

    /** {@code --quick}: the same phases, shorter and smaller. */
    private static final Map<String, String> QUICK = Map.ofEntries(
            Map.entry("seconds", "4"), Map.entry("warmup", "2"), Map.entry("server-warmup", "5"),
            Map.entry("latency-seconds", "4"),
            Map.entry("single-rate", "2000"), Map.entry("batch-rate", "100"),
            Map.entry("redis-benchmark-requests", "500000"),
            Map.entry("followers", "200000"), Map.entry("stories", "2"),
            Map.entry("steady-rate", "0"), Map.entry("lane-rate", "200"), Map.entry("latency-warmup", "4"),
            Map.entry("authors", "200"), Map.entry("small-followers", "100"), Map.entry("celebrity-followers", "200000"),
            Map.entry("image-runs", "5"), Map.entry("image-warmups", "1"),
            Map.entry("video-runs", "1"), Map.entry("video-warmups", "1"), Map.entry("video-clip-seconds", "4"));

    private Comparison() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        long startNanos = System.nanoTime();
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Machine machine = Machine.now();
        Map<String, String> given = Arguments.parse(args);
        boolean quick = Boolean.parseBoolean(given.getOrDefault("quick", "false"));
        Map<String, String> options = new HashMap<>(quick ? QUICK : FULL);
        options.putAll(given);
        Set<String> sections = new LinkedHashSet<>(List.of(options.getOrDefault("sections", String.join(",", SECTIONS)).split(",")));
        Path out = Files.createDirectories(Path.of(options.getOrDefault("out", "bench/target/compare")));
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
                    case "ingest" -> ingest(options, folder, report);
                    case "fanout" -> fanout(options, folder, report);
                    case "latency" -> latency(options, folder, report);
                    case "image" -> image(options, report);
                    case "video" -> video(options, report);
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

    private static void ingest(Map<String, String> options, Path folder, ComparisonReport report) throws Exception {
        Map<String, String> settings = new HashMap<>(options);
        settings.put("bare", "true");
        IngestComparison.Outcome outcome = IngestComparison.run(IngestComparison.Settings.from(settings), folder);
        Map<String, IngestComparison.Result> by = outcome.byKey();
        report.rate("HTTP ingest, single events (closed loop)", by.get("http-single"), by.get("bare-single"), null);
        report.rate("HTTP ingest, NDJSON batches of 100 (closed loop)", by.get("http-batch"), by.get("bare-batch"), null);
        report.rate("batched ingest vs raw pipelined XADD (Vert.x client)", by.get("http-batch"), by.get("raw-xadd"), 50.0);
        if (by.containsKey("redis-benchmark-xadd")) {
            report.rate("batched ingest vs raw pipelined XADD (redis-benchmark)", by.get("http-batch"), by.get("redis-benchmark-xadd"), 50.0);
        } else {
            report.skip("batched ingest vs raw pipelined XADD (redis-benchmark)", missing("redis-benchmark"));
        }
        report.latencies(outcome.latencies());
        report.details("Ingest (closed loops: rates only)", Report.table(outcome.results(), "events/s",
                "raw pipelined XADD (Vert.x client)"), "ingest", IngestComparison.Result.toJson(outcome.results()));
    }

    private static void fanout(Map<String, String> options, Path folder, ComparisonReport report) throws Exception {
        Map<String, String> settings = new HashMap<>(options);
        settings.put("with-expiry", "false");
        settings.put("redis-benchmark-requests", Integer.toString(3 * Integer.parseInt(options.get("redis-benchmark-requests")) / 2));
        FanoutComparison.Settings fanout = FanoutComparison.Settings.from(settings);
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
            report.skip(name + " (redis-benchmark)", missing("redis-benchmark"));
        }
        report.details("Fan-out (tray writes/s)", Report.table(outcome.results(), "tray writes/s",
                "raw pipelined ZADD (Vert.x client)"), "fanout", IngestComparison.Result.toJson(outcome.results()));
    }

    private static void latency(Map<String, String> options, Path folder, ComparisonReport report) throws Exception {
        Map<String, String> settings = new HashMap<>(options);
        settings.put("followers", options.get("small-followers")); // "followers" is the fan-out section's audience
        settings.put("rate", options.get("steady-rate"));
        settings.put("seconds", options.get("latency-seconds"));
        settings.put("warmup", options.get("latency-warmup"));
        FanoutLatency.Outcome outcome = FanoutLatency.run(FanoutLatency.Settings.from(settings), folder);
        report.latencies(outcome.latencies());
        report.details("Ingest→tray latency beside a large fan-out", String.format("p99 beside the large fan-out over the lane "
                        + "baseline's p99: %.2f (goal: at most 2); the large fan-out took %.1f s, %,.0f tray writes/s.%n",
                outcome.p99Ratio(), outcome.large().seconds(), outcome.large().writesPerSecond()), "fanoutLatency",
                new JsonObject().put("p99Ratio", outcome.p99Ratio()).put("largeSeconds", outcome.large().seconds())
                        .put("largeWritesPerSecond", Math.round(outcome.large().writesPerSecond())));
    }

    private static void image(Map<String, String> options, ComparisonReport report) throws Exception {
        ImageComparison.Outcome outcome = ImageComparison.run(Integer.parseInt(options.get("image-runs")),
                Integer.parseInt(options.get("image-warmups")));
        String job = "12 MP JPEG into 3 image renditions";
        timeOrSkip(report, job + " vs the ffmpeg CLI", outcome.inProcessMillis(), "ffmpeg CLI, one command",
                outcome.ffmpegMillis(), 0.5, "ffmpeg");
        timeOrSkip(report, job + " vs vipsthumbnail", outcome.inProcessMillis(), "vipsthumbnail, 3 commands",
                outcome.vipsMillis(), null, "vipsthumbnail");
        report.details("Image renditions (median of " + options.get("image-runs") + " runs)", String.format(
                "| way | median ms |%n|---|---:|%n| in process (ImageTranscoder) | %.1f |%n| ffmpeg CLI, one command, 3 outputs | %s |%n"
                        + "| vipsthumbnail, 3 commands | %s |%n", outcome.inProcessMillis(), ImageComparison.show(outcome.ffmpegMillis()),
                ImageComparison.show(outcome.vipsMillis())), "image", new JsonObject()
                .put("inProcessMillis", outcome.inProcessMillis()).put("ffmpegMillis", orNull(outcome.ffmpegMillis()))
                .put("vipsthumbnailMillis", orNull(outcome.vipsMillis())));
    }

    private static void video(Map<String, String> options, ComparisonReport report) throws Exception {
        VideoComparison.Outcome outcome = VideoComparison.run(Integer.parseInt(options.get("video-runs")),
                Integer.parseInt(options.get("video-warmups")), Integer.parseInt(options.get("video-clip-seconds")));
        String job = String.format("%d s 1080p30 video into the 720x1280 WhatsApp rendition", outcome.clipSeconds());
        timeOrSkip(report, job + " vs the ffmpeg CLI (libx264 medium)", outcome.inProcessMillis(),
                "ffmpeg CLI, libx264 -preset medium", outcome.mediumMillis(), 0.9, "ffmpeg");
        timeOrSkip(report, job + " vs the ffmpeg CLI (libx264 veryfast)", outcome.inProcessMillis(),
                "ffmpeg CLI, libx264 -preset veryfast", outcome.veryfastMillis(), null, "ffmpeg");
        report.details("Video (median of " + options.get("video-runs") + " runs)", String.format(
                "| way | median ms | real time |%n|---|---:|---:|%n| in process (VideoTranscoder, libopenh264) | %.0f | %s |%n"
                        + "| ffmpeg CLI, libx264 -preset medium | %s | %s |%n| ffmpeg CLI, libx264 -preset veryfast | %s | %s |%n",
                outcome.inProcessMillis(), VideoComparison.realTime(outcome.inProcessMillis(), outcome.clipSeconds()),
                ImageComparison.show(outcome.mediumMillis()), VideoComparison.realTime(outcome.mediumMillis(), outcome.clipSeconds()),
                ImageComparison.show(outcome.veryfastMillis()), VideoComparison.realTime(outcome.veryfastMillis(), outcome.clipSeconds())),
                "video", new JsonObject().put("clipSeconds", outcome.clipSeconds())
                        .put("inProcessMillis", outcome.inProcessMillis()).put("ffmpegMediumMillis", orNull(outcome.mediumMillis()))
                        .put("ffmpegVeryfastMillis", orNull(outcome.veryfastMillis())));
    }

    /** A time row, or a skipped one naming the Debian package of the tool when it was not installed. */
    private static void timeOrSkip(ComparisonReport report, String comparison, double storycastMillis, String reference,
                                   double referenceMillis, Double goal, String tool) {
        if (Double.isNaN(referenceMillis)) {
            report.skip(comparison, missing(tool));
        } else {
            report.time(comparison, storycastMillis, reference, referenceMillis, goal);
        }
    }

    private static Double orNull(double millis) {
        return Double.isNaN(millis) ? null : Math.round(millis * 10) / 10.0;
    }

    private static String missing(String tool) {
        String debianPackage = Tools.DEBIAN_PACKAGES.get(tool);
        return tool + " is not installed (Debian package " + debianPackage + ": apt-get install " + debianPackage + ")";
    }
}
