package io.storycast.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the comparison as a Markdown table with ratios and as JSON. */
final class Report {
    private Report() {
    }

    static void write(List<IngestComparison.Result> results, Path out, String date) throws IOException {
        write(results, out, date, "ingest-comparison", "events/s", "raw pipelined XADD (Vert.x client)");
    }

    /**
     * @param name      the files' base name
     * @param unit      the rate's unit, for the header
     * @param reference what the first result is: the ratios are to it
     */
    static void write(List<IngestComparison.Result> results, Path out, String date, String name, String unit,
                      String reference) throws IOException {
        StringBuilder markdown = new StringBuilder(table(results, unit, reference));
        String machine = Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
        markdown.append("\n").append(date).append(", ").append(machine).append('\n');
        Files.writeString(out.resolve(name + ".md"), markdown);
        Files.writeString(out.resolve(name + ".json"), new JsonObject()
                .put("date", date).put("machine", machine)
                .put("results", IngestComparison.Result.toJson(results)).encodePrettily());
        System.out.println();
        System.out.println(markdown);
        System.out.println("written to " + out.toAbsolutePath());
    }

    /** @return the Markdown table of {@code results}, each as a ratio to the first */
    static String table(List<IngestComparison.Result> results, String unit, String reference) {
        IngestComparison.Result rawLimit = results.get(0);
        StringBuilder markdown = new StringBuilder()
                .append("| measurement | ").append(unit).append(" | ratio to ").append(reference)
                .append(" | Redis CPU µs/event | server CPU µs/event | load CPU µs/event | events/script call |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (IngestComparison.Result result : results) {
            markdown.append(String.format("| %s | %,.0f | %.1f%% | %s | %s | %s | %s |%n", result.name(), result.perSecond(),
                    100 * result.perSecond() / rawLimit.perSecond(), orNotApplicable(result.redisMicrosPerEvent()),
                    orNotApplicable(result.serverMicrosPerEvent()), orNotApplicable(result.loadMicrosPerEvent()),
                    orNotApplicable(result.eventsPerScriptCall())));
        }
        return markdown.toString();
    }

    private static String orNotApplicable(double value) {
        return value > 0 ? String.format("%.1f", value) : "n/a";
    }
}
