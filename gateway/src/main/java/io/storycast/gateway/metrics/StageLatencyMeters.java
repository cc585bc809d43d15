package io.storycast.gateway.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;

/**
 * Exposes every stage's latest interval through Micrometer, so Prometheus scrapes them from {@code /metrics}
 * in its own format (nothing here writes exposition text):
 * <ul>
 *   <li>{@code storycast_stage_latency_seconds{stage, quantile}}: the last interval's 0.5, 0.9, 0.99 and
 *       0.999 quantiles (HdrHistogram's values, to 3 significant digits);</li>
 *   <li>{@code storycast_stage_latency_max_seconds{stage}}: the last interval's largest value;</li>
 *   <li>{@code storycast_stage_interval_samples{stage}}: how many values the last interval holds;</li>
 *   <li>{@code storycast_stage_samples_total{stage}}: how many values were recorded since start (as of the
 *       last interval).</li>
 * </ul>
 * An interval lasts {@code metrics.intervalMillis}; quantiles of an interval with no sample are 0. The
 * values are read from the published snapshot, so a scrape computes nothing.
 */
final class StageLatencyMeters implements MeterBinder {
    private static final double SECONDS_PER_MICRO = 1e-6;

    private final StageLatencies latencies;
    private final LatencyIntervals intervals;

    StageLatencyMeters(StageLatencies latencies, LatencyIntervals intervals) {
        this.latencies = Objects.requireNonNull(latencies, "latencies");
        this.intervals = Objects.requireNonNull(intervals, "intervals");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (StageRecorder stage : latencies.all()) {
            String name = stage.name();
            for (int i = 0; i < StageSnapshot.GAUGE_PERCENTILES.length; i++) {
                int index = i;
                Gauge.builder("storycast.stage.latency", intervals,
                                all -> all.snapshot(name).lastIntervalPercentile(index) * SECONDS_PER_MICRO)
                        .description("a stage's latency quantile over the last metrics interval")
                        .baseUnit("seconds")
                        .tag("stage", name)
                        .tag("quantile", quantileLabel(StageSnapshot.GAUGE_PERCENTILES[i]))
                        .register(registry);
            }
            Gauge.builder("storycast.stage.latency.max", intervals,
                            all -> all.snapshot(name).lastInterval().getMaxValue() * SECONDS_PER_MICRO)
                    .description("a stage's largest latency in the last metrics interval")
                    .baseUnit("seconds")
                    .tag("stage", name)
                    .register(registry);
            Gauge.builder("storycast.stage.interval.samples", intervals,
                            all -> all.snapshot(name).lastInterval().getTotalCount())
                    .description("latencies a stage recorded in the last metrics interval")
                    .tag("stage", name)
                    .register(registry);
            FunctionCounter.builder("storycast.stage.samples", intervals,
                            all -> all.snapshot(name).sinceStart().getTotalCount())
                    .description("latencies a stage recorded since the process started, as of the last interval")
                    .tag("stage", name)
                    .register(registry);
        }
    }

    /** @return Prometheus's usual spelling: {@code 0.5}, {@code 0.9}, {@code 0.99}, {@code 0.999} */
    static String quantileLabel(double percentile) {
        return java.math.BigDecimal.valueOf(percentile).movePointLeft(2).stripTrailingZeros().toPlainString();
    }
}
