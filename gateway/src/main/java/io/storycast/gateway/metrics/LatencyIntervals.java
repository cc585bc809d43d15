package io.storycast.gateway.metrics;

import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the stages' recorders into intervals: each {@link #swap()} takes every stage's interval recorded so
 * far (wait-free for the recording threads), adds it to the stage's since-start histogram, writes it to the
 * interval log when there is one, and publishes a new immutable {@link StageSnapshot} per stage for the
 * gauges, {@code /v1/stats/latency} and its hgrm view.
 *
 * <p>A swap copies and scans a few hundred KiB per stage: run it on a worker thread (the metrics verticle
 * does, every {@code metrics.intervalMillis}), never an event loop. Swaps are serialised; snapshots may be
 * read from any thread.
 */
public final class LatencyIntervals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LatencyIntervals.class);

    private final List<StageRecorder> stages;
    private final Map<String, Histogram> sinceStart = new LinkedHashMap<>();
    private final IntervalLogs logs;
    private volatile Map<String, StageSnapshot> snapshots;

    /**
     * @param latencies the process's stages
     * @param logs      where each interval is also written, or {@code null} for no interval logs
     */
    LatencyIntervals(StageLatencies latencies, IntervalLogs logs) {
        this.stages = Objects.requireNonNull(latencies, "latencies").all();
        this.logs = logs;
        Map<String, StageSnapshot> initial = new LinkedHashMap<>();
        for (StageRecorder stage : stages) {
            sinceStart.put(stage.name(), StageRecorder.newHistogram());
            initial.put(stage.name(), StageSnapshot.empty(stage));
            stage.intervalHistogram(); // starts the first interval now, not at the process's first sample
        }
        snapshots = Collections.unmodifiableMap(initial);
    }

    /** Ends the current interval of every stage and publishes the new snapshots. Blocking when logging. */
    public synchronized void swap() {
        Map<String, StageSnapshot> next = new LinkedHashMap<>();
        for (StageRecorder stage : stages) {
            // A new interval histogram each time: the published snapshot keeps it. It is the shared Recorder's own
            // (an AtomicHistogram: full-size counts, atomic reads) with the own recorders' intervals added in. Not
            // packed: a packed copy made the swap and the JSON a hundred times slower with full stages
            // (docs/PERFORMANCE.md).
            Histogram interval = stage.intervalHistogram();
            Histogram total = sinceStart.get(stage.name());
            total.add(interval);
            total.setEndTimeStamp(interval.getEndTimeStamp());
            if (total.getStartTimeStamp() == Long.MAX_VALUE || total.getStartTimeStamp() == 0) {
                total.setStartTimeStamp(interval.getStartTimeStamp());
            }
            next.put(stage.name(), StageSnapshot.of(stage, interval, total.copy()));
            if (logs != null) {
                try {
                    logs.write(stage.name(), interval);
                } catch (RuntimeException e) {
                    LOG.warn("could not write the interval log of {}: {}", stage.name(), e.toString());
                }
            }
        }
        snapshots = Collections.unmodifiableMap(next);
    }

    /** @return every stage's latest snapshot, in the stages' order */
    public List<StageSnapshot> snapshots() {
        return new ArrayList<>(snapshots.values());
    }

    /** @return the latest snapshot of the stage of that exact name, or {@code null} */
    public StageSnapshot snapshot(String stage) {
        return snapshots.get(stage);
    }

    /** Closes the interval logs (without a last swap: call {@link #swap()} first to keep the interval in progress). */
    @Override
    public synchronized void close() {
        if (logs != null) {
            logs.close();
        }
    }
}
