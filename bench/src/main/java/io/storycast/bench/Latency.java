package io.storycast.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The latencies of one open-model phase: what its histogram holds (µs), under which load, and what did
 * not count. Written as an HdrHistogram percentile distribution ({@code <key>.hgrm}, in milliseconds, for
 * HdrHistogram's plotter) and summarised as p50 to max.
 *
 * @param name      what was measured, for people
 * @param key       a short name for files and JSON
 * @param histogram latencies in µs
 * @param failed    requests or stories that failed or were not sent (0 for phases that fail on any)
 */
record Latency(String name, String key, Histogram histogram, long failed) {
    static final String HEADER = "| latency (open model, from the due time) | count | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | failed |";

    /** Runs an open-model phase and prints its summary. */
    static Latency measure(String name, String key, OpenHttpLoad load, Supplier<Future<Integer>> request, double rate,
                           double seconds) throws Exception {
        OpenHttpLoad.Outcome outcome = load.run(request, rate, seconds);
        Latency latency = new Latency(name, key, outcome.latencies(), outcome.failed());
        System.out.println(latency.row());
        return latency;
    }

    double millisAt(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /** @return the Markdown row of {@link #HEADER} */
    String row() {
        return String.format("| %s | %,d | %.2f | %.2f | %.2f | %.2f | %.2f | %,d |", name, histogram.getTotalCount(),
                millisAt(50), millisAt(90), millisAt(99), millisAt(99.9), histogram.getMaxValue() / 1000.0, failed);
    }

    JsonObject toJson() {
        return new JsonObject().put("name", name).put("key", key).put("count", histogram.getTotalCount())
                .put("p50Millis", millisAt(50)).put("p90Millis", millisAt(90)).put("p99Millis", millisAt(99))
                .put("p999Millis", millisAt(99.9)).put("maxMillis", histogram.getMaxValue() / 1000.0)
                .put("failed", failed);
    }

    /** Prints the summary table of {@code latencies}. */
    static void print(List<Latency> latencies) {
        System.out.println();
        System.out.println(HEADER);
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        latencies.forEach(latency -> System.out.println(latency.row()));
    }

    /** Writes each phase's percentile distribution as {@code <key>.hgrm} into {@code out}. */
    static void writeHgrm(List<Latency> latencies, Path out) throws IOException {
        for (Latency latency : latencies) {
            try (PrintStream file = new PrintStream(Files.newOutputStream(out.resolve(latency.key() + ".hgrm")), false,
                    java.nio.charset.StandardCharsets.UTF_8)) {
                latency.histogram().outputPercentileDistribution(file, 1000.0); // µs recorded, ms written
            }
        }
    }
}
