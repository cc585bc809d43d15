package io.storycast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a comparison run found, and how it is written: the ratio table (one row per comparison, Storycast
 * beside its reference measured in the same run), the open-model latencies, every measurement behind them,
 * and what was skipped and why. Writes {@code comparison.md}, {@code comparison.json} and the latency chart
 * {@code latency-percentiles.png}.
 */
final class ComparisonReport {
    /** One row of the ratio table; {@code json} is the same row for machines. */
    record Row(String comparison, String storycast, String reference, String ratio, String goal, JsonObject json) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<Latency> latencies = new ArrayList<>();
    private final StringBuilder details = new StringBuilder();
    private final JsonObject detailsJson = new JsonObject();
    private final List<String> skipped = new ArrayList<>();

    /**
     * A row comparing rates: the ratio is Storycast's rate over the reference's (100% = as fast).
     *
     * @param goal the lowest ratio the project aims for, percent; {@code null} for none
     */
    void rate(String comparison, IngestComparison.Result storycast, IngestComparison.Result reference, Double goal) {
        if (storycast == null || reference == null) {
            skip(comparison, (storycast == null ? "Storycast's" : "the reference's") + " measurement is missing (see above)");
            return;
        }
        double percent = 100 * storycast.perSecond() / reference.perSecond();
        rows.add(new Row(comparison, rateText(storycast), rateText(reference) + " (" + reference.name() + ")",
                String.format("%.1f%%", percent), goal == null ? "" : String.format("≥ %.0f%%: %s", goal, met(percent >= goal)),
                new JsonObject().put("comparison", comparison).put("kind", "rate").put("unit", storycast.unit())
                        .put("storycast", Math.round(storycast.perSecond())).put("storycastName", storycast.name())
                        .put("reference", Math.round(reference.perSecond())).put("referenceName", reference.name())
                        .put("ratio", Math.round(percent * 10) / 1000.0).put("goalAtLeast", goal == null ? null : goal / 100)));
    }

    /**
     * A row comparing wall-clock times of one job: the ratio is Storycast's time over the reference's
     * (below 1 = Storycast is faster).
     *
     * @param goal the highest ratio the project aims for; {@code null} for none
     */
    void time(String comparison, double storycastMillis, String reference, double referenceMillis, Double goal) {
        if (Double.isNaN(storycastMillis) || Double.isNaN(referenceMillis)) {
            skip(comparison, "not measured (see above)");
            return;
        }
        double ratio = storycastMillis / referenceMillis;
        rows.add(new Row(comparison, String.format("%,.1f ms", storycastMillis),
                String.format("%,.1f ms (%s)", referenceMillis, reference), String.format("%.2fx the time", ratio),
                goal == null ? "" : String.format("≤ %.1fx: %s", goal, met(ratio <= goal)),
                new JsonObject().put("comparison", comparison).put("kind", "time").put("unit", "ms")
                        .put("storycast", round(storycastMillis)).put("reference", round(referenceMillis))
                        .put("referenceName", reference).put("ratio", Math.round(ratio * 1000) / 1000.0)
                        .put("goalAtMost", goal)));
    }

    /** A comparison that could not be made, and why (a missing tool names its Debian package). */
    void skip(String comparison, String reason) {
        skipped.add(comparison + ": " + reason);
        rows.add(new Row(comparison, "—", "skipped: " + reason, "—", "",
                new JsonObject().put("comparison", comparison).put("skipped", reason)));
    }

    void latencies(List<Latency> measured) {
        latencies.addAll(measured);
    }

    /** Adds a section of the measurements behind the ratios: a Markdown heading and body, and its JSON. */
    void details(String heading, String markdown, String key, Object json) {
        details.append("### ").append(heading).append("\n\n").append(markdown).append('\n');
        detailsJson.put(key, json);
    }

    /** Writes the three files into {@code out}; answers the Markdown, which is also printed. */
    String write(Path out, String date, Machine machine, String command, String mode, long seconds) throws IOException {
        double loadEnd = Machine.loadAverage();
        StringBuilder md = new StringBuilder("# Storycast comparison run\n\n")
                .append("- date (UTC, as reported by the machine): ").append(date).append('\n')
                .append("- machine: ").append(machine.describe(loadEnd)).append('\n')
                .append("- command: `").append(command).append("`\n")
                .append("- run: ").append(mode).append(", ").append(seconds).append(" s\n\n")
                .append("| comparison | Storycast | reference (same run, same machine) | ratio | goal |\n")
                .append("|---|---:|---:|---:|---|\n");
        for (Row row : rows) {
            md.append(String.format("| %s | %s | %s | %s | %s |%n", row.comparison(), row.storycast(), row.reference(),
                    row.ratio(), row.goal()));
        }
        md.append("\nRates: Storycast's rate as a percentage of the reference's. Times: Storycast's time for the same "
                + "job over the reference's (below 1x is faster).\n");
        String chart = "latency-percentiles.png";
        if (!latencies.isEmpty()) {
            md.append("\n## Latency, open model\n\n").append(Latency.HEADER).append("\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
            latencies.forEach(latency -> md.append(latency.row()).append('\n'));
            try {
                LatencyChart.write(latencies, out.resolve(chart), date + ", " + machine.cores() + " cores");
                md.append("\n![latency by percentile](").append(chart).append(")\n");
            } catch (IOException | RuntimeException | Error noChart) {
                // AWT needs fontconfig and a font: Debian's fontconfig and fonts-dejavu-core.
                md.append("\nThe chart could not be drawn (").append(noChart)
                        .append("); AWT needs Debian's fontconfig and fonts-dejavu-core.\n");
            }
            Latency.writeHgrm(latencies, out);
        }
        md.append("\n## Every measurement\n\n").append(details);
        if (!skipped.isEmpty()) {
            md.append("\n## Skipped\n\n");
            skipped.forEach(reason -> md.append("- ").append(reason).append('\n'));
        }
        Files.writeString(out.resolve("comparison.md"), md);
        JsonArray rowsJson = new JsonArray();
        rows.forEach(row -> rowsJson.add(row.json()));
        JsonArray latenciesJson = new JsonArray();
        latencies.forEach(latency -> latenciesJson.add(latency.toJson()));
        Files.writeString(out.resolve("comparison.json"), new JsonObject().put("date", date)
                .put("machine", machine.toJson(loadEnd)).put("command", command).put("mode", mode).put("seconds", seconds)
                .put("rows", rowsJson).put("latencies", latenciesJson).put("details", detailsJson)
                .put("skipped", new JsonArray(new ArrayList<Object>(skipped))).encodePrettily());
        return md.toString();
    }

    private static String rateText(IngestComparison.Result result) {
        return String.format("%,.0f %s", result.perSecond(), result.unit());
    }

    private static String met(boolean met) {
        return met ? "met" : "**not met**";
    }

    private static double round(double millis) {
        return Math.round(millis * 10) / 10.0;
    }
}
