package io.storycast.gateway.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The latencies of one stage: an HdrHistogram {@link Recorder}, which any number of threads record into
 * wait-free (a few atomic increments, no lock, no allocation), while {@link LatencyIntervals} swaps out the
 * interval recorded so far at a steady pace. One recorder per stage, not one per thread: striping it by
 * thread measured no faster on these machines (docs/PERFORMANCE.md) and multiplies its ~190 KiB of counts.
 *
 * <p>Unit: <b>microseconds</b>. Trackable range: {@value #LOWEST_DISCERNIBLE_MICROS} µs to
 * {@value #HIGHEST_TRACKABLE_MICROS} µs (one hour), to {@value #SIGNIFICANT_DIGITS} significant decimal
 * digits (any value is recorded within 0.1% of itself). A value past one hour is recorded as one hour, and
 * a negative one (two clocks that disagree, for stages measured on the wall clock) as 0, so a recording
 * never throws on a hot path.
 */
public final class StageRecorder {
    /** The smallest value told apart from 0, microseconds. */
    public static final long LOWEST_DISCERNIBLE_MICROS = 1;
    /** The largest value recorded as itself, microseconds (one hour); larger ones are recorded as this. */
    public static final long HIGHEST_TRACKABLE_MICROS = 3_600_000_000L;
    /** Decimal digits of precision kept for every value in range. */
    public static final int SIGNIFICANT_DIGITS = 3;

    private final String name;
    private final String description;
    private final Recorder recorder = new Recorder(LOWEST_DISCERNIBLE_MICROS, HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);

    /**
     * @param name        the stage's exact name, e.g. {@code fanout.target.instagram}: the {@code stage} label in
     *                    {@code /metrics}, the key in {@code /v1/stats/latency}, the interval log's file name
     * @param description what is measured, from which moment to which, for SREs
     */
    public StageRecorder(String name, String description) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
    }

    /** @return a histogram shaped like the stage's (unit, range and precision), for tests and tools that compare */
    public static Histogram newHistogram() {
        return new Histogram(LOWEST_DISCERNIBLE_MICROS, HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** Records one latency in microseconds, clamped into the trackable range. Wait-free; any thread. */
    public void recordMicros(long micros) {
        recorder.recordValue(micros < 0 ? 0 : Math.min(micros, HIGHEST_TRACKABLE_MICROS));
    }

    /** Records one latency in nanoseconds (rounded down to microseconds). */
    public void recordNanos(long nanos) {
        recordMicros(TimeUnit.NANOSECONDS.toMicros(nanos));
    }

    /** Records the time since {@code startNanos}, a {@link System#nanoTime()} reading of this process. */
    public void recordSinceNanos(long startNanos) {
        recordNanos(System.nanoTime() - startNanos);
    }

    /**
     * Records the time since {@code epochMillis} on the wall clock, for stages that begin in another process
     * (the Redis stream entry's id is Redis's clock): only as exact as the two clocks agree, to the millisecond.
     */
    public void recordSinceEpochMillis(long epochMillis) {
        recordMicros(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis() - epochMillis));
    }

    /**
     * Records the time since {@code epochMicros}, a {@link #epochMicros()} reading of this or another process on
     * the wall clock: as exact as the two clocks agree (on one host, the same clock).
     */
    public void recordSinceEpochMicros(long epochMicros) {
        recordMicros(epochMicros() - epochMicros);
    }

    /** @return the wall clock in microseconds since the epoch (the system clock's resolution, microseconds on Linux) */
    public static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * Swaps out what was recorded since the last call (for {@link LatencyIntervals}: one caller at a time).
     *
     * @return the interval's histogram, a new one each time (the caller may keep it), with its start and end
     *         time stamps (epoch ms) set
     */
    Histogram intervalHistogram() {
        return recorder.getIntervalHistogram();
    }
}
