package io.storycast.gateway.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The views of {@code GET /v1/stats/latency}: JSON with each stage's percentile distribution, and
 * HdrHistogram's own percentile-distribution text ({@code .hgrm}), which its plotter reads. Both are built
 * from the same snapshots, so they agree. CPU work of a millisecond or so: the routes run it on a worker.
 */
public final class LatencyReport {
    /** Percentile ticks per half distance to 100%, as HdrHistogram's tools default to. */
    public static final int TICKS_PER_HALF_DISTANCE = 5;
    /** The hgrm's value unit: microseconds divided by this, so milliseconds. */
    public static final double HGRM_VALUE_UNIT_RATIO = 1000.0;

    private LatencyReport() {
    }

    /**
     * @param stages the stages' snapshots, in order
     * @return {@code {"unit":"microseconds", ..., "stages":{"<name>":{"description", "sinceStart":{...},
     *         "lastInterval":{...}}}}}
     */
    public static JsonObject json(List<StageSnapshot> stages, long intervalMillis) {
        JsonObject byName = new JsonObject();
        for (StageSnapshot stage : stages) {
            byName.put(stage.name(), new JsonObject()
                    .put("description", stage.description())
                    .put("sinceStart", distribution(stage.sinceStart()))
                    .put("lastInterval", distribution(stage.lastInterval())));
        }
        return new JsonObject()
                .put("unit", "microseconds")
                .put("lowestDiscernibleValue", StageRecorder.LOWEST_DISCERNIBLE_MICROS)
                .put("highestTrackableValue", StageRecorder.HIGHEST_TRACKABLE_MICROS)
                .put("significantDigits", StageRecorder.SIGNIFICANT_DIGITS)
                .put("intervalMillis", intervalMillis)
                .put("stages", byName);
    }

    /**
     * @return count, min, mean, the usual percentiles and max, and the whole distribution: one row per
     *         percentile tick ({@value #TICKS_PER_HALF_DISTANCE} per half distance), as in an hgrm file
     */
    static JsonObject distribution(Histogram histogram) {
        JsonArray rows = new JsonArray();
        if (histogram.getTotalCount() > 0) {
            for (HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE)) {
                rows.add(new JsonObject()
                        .put("percentile", value.getPercentileLevelIteratedTo())
                        .put("value", value.getValueIteratedTo())
                        .put("count", value.getTotalCountToThisValue()));
            }
        }
        boolean empty = histogram.getTotalCount() == 0;
        return new JsonObject()
                .put("from", time(histogram.getStartTimeStamp()))
                .put("to", time(histogram.getEndTimeStamp()))
                .put("count", histogram.getTotalCount())
                .put("min", empty ? 0 : histogram.getMinValue())
                .put("mean", empty ? 0.0 : histogram.getMean())
                .put("p50", histogram.getValueAtPercentile(50.0))
                .put("p90", histogram.getValueAtPercentile(90.0))
                .put("p99", histogram.getValueAtPercentile(99.0))
                .put("p999", histogram.getValueAtPercentile(99.9))
                .put("max", histogram.getMaxValue())
                .put("percentiles", rows);
    }

    /**
     * @param stages the stages to print, each under a {@code #} comment naming it (give one stage for a file
     *               the plotter reads as one series)
     * @param sinceStart whether to print the since-start histograms, else the last intervals
     * @return HdrHistogram's percentile distribution text, values in milliseconds
     */
    public static String hgrm(List<StageSnapshot> stages, boolean sinceStart) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8)) {
            for (StageSnapshot stage : stages) {
                if (stages.size() > 1) {
                    out.println("#[Stage " + stage.name() + ", " + (sinceStart ? "since start" : "last interval")
                            + ", milliseconds]");
                }
                hgrm(sinceStart ? stage.sinceStart() : stage.lastInterval(), out);
                if (stages.size() > 1) {
                    out.println();
                }
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Prints one histogram as HdrHistogram does, microseconds shown as milliseconds. */
    public static void hgrm(AbstractHistogram histogram, PrintStream out) {
        histogram.outputPercentileDistribution(out, TICKS_PER_HALF_DISTANCE, HGRM_VALUE_UNIT_RATIO);
    }

    private static String time(long epochMillis) {
        return epochMillis <= 0 || epochMillis == Long.MAX_VALUE ? null : Instant.ofEpochMilli(epochMillis).toString();
    }
}
