package io.storycast.gateway.metrics;

import org.HdrHistogram.Histogram;

import java.util.Objects;

/**
 * One stage as of the latest interval swap: the interval just ended and everything since the process
 * started, both in microseconds. Immutable by convention: nobody records into these histograms, so any
 * thread may read them (the JSON and hgrm views, the gauges).
 *
 * @param name         the stage's exact name
 * @param description  what it measures
 * @param lastInterval what was recorded in the interval that ended last ({@code metrics.intervalMillis} long,
 *                     its start and end time stamps set)
 * @param sinceStart   every value recorded since the process started, up to the end of that interval
 * @param lastIntervalPercentiles the gauges' values of {@code lastInterval}, microseconds, in the order of
 *                     {@link #GAUGE_PERCENTILES}, computed once per interval so a scrape only reads them
 */
public record StageSnapshot(String name, String description, Histogram lastInterval, Histogram sinceStart,
                            long[] lastIntervalPercentiles) {
    /** The percentiles exported as gauges, per stage, besides the maximum. */
    public static final double[] GAUGE_PERCENTILES = {50.0, 90.0, 99.0, 99.9};

    public StageSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(lastInterval, "lastInterval");
        Objects.requireNonNull(sinceStart, "sinceStart");
        Objects.requireNonNull(lastIntervalPercentiles, "lastIntervalPercentiles");
    }

    /** @return a snapshot of a stage before its first interval ended: both histograms empty */
    static StageSnapshot empty(StageRecorder stage) {
        return of(stage, StageRecorder.newHistogram(), StageRecorder.newHistogram());
    }

    static StageSnapshot of(StageRecorder stage, Histogram lastInterval, Histogram sinceStart) {
        long[] percentiles = new long[GAUGE_PERCENTILES.length];
        for (int i = 0; i < percentiles.length; i++) {
            percentiles[i] = lastInterval.getValueAtPercentile(GAUGE_PERCENTILES[i]);
        }
        return new StageSnapshot(stage.name(), stage.description(), lastInterval, sinceStart, percentiles);
    }

    /** @return the last interval's value at {@code GAUGE_PERCENTILES[index]}, microseconds (0 when it had no sample) */
    public long lastIntervalPercentile(int index) {
        return lastIntervalPercentiles[index];
    }
}
