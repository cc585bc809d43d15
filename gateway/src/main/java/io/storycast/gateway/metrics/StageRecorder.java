package io.storycast.gateway.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.SingleWriterRecorder;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The latencies of one stage, recorded wait-free from any thread while {@link LatencyIntervals} swaps out the
 * interval recorded so far at a steady pace.
 *
 * <p>Each of the first {@link #MAX_SINGLE_WRITER_THREADS} threads that record into the stage gets an HdrHistogram
 * {@link SingleWriterRecorder} of its own: a recording enters and leaves the recorder's phaser (two atomic
 * increments on counters no other writer touches) and counts the value with plain writes, so event loops that
 * finish requests at the same moment never bounce a shared cache line. Two threads recording the same stage back
 * to back measured 10 ns a recording this way against 67 ns with one shared {@link Recorder} (docs/PERFORMANCE.md,
 * "Metrics: recording cost"). Threads past that number share one multi-writer {@link Recorder}, so a large worker
 * pool cannot multiply the memory: each single-writer recorder holds two count arrays of about 184 KiB, and a
 * thread's first recording into a stage allocates its recorder (every later one allocates nothing). The event
 * loops are the first to record the hot stages, and their default number is the same bound, so in the gateway
 * they get their own. Worst case per process: 16 stages x {@link #MAX_SINGLE_WRITER_THREADS} recorders x 368 KiB
 * (23 MiB on 2 cores, 46 MiB from 4 cores up); a recorder stays with its stage after its thread ends, which a
 * gateway's fixed thread pools never do. A swap adds every recorder's interval into one histogram.
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
    /**
     * How many threads per stage get a single-writer recorder of their own: twice the processors (Vert.x's
     * default number of event loops, 4 on 2 cores), at most 8 so a large machine's memory stays bounded
     * (see the class comment). Later threads share one recorder.
     */
    public static final int MAX_SINGLE_WRITER_THREADS = Math.min(2 * Runtime.getRuntime().availableProcessors(), 8);

    private final String name;
    private final String description;
    private final Recorder sharedRecorder = new Recorder(LOWEST_DISCERNIBLE_MICROS, HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    private final List<SingleWriterRecorder> singleWriterRecorders = new CopyOnWriteArrayList<>();
    /** This thread's own recorder, or {@code null} once every single-writer place was taken: it shares. */
    private final ThreadLocal<SingleWriterRecorder> threadRecorder = ThreadLocal.withInitial(this::claimSingleWriterRecorder);
    /** Where a swap copies each single-writer recorder's interval before adding it up (swaps are serialised). */
    private Histogram swapScratch;

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
        long value = micros < 0 ? 0 : Math.min(micros, HIGHEST_TRACKABLE_MICROS);
        SingleWriterRecorder own = threadRecorder.get();
        if (own != null) {
            own.recordValue(value);
        } else {
            sharedRecorder.recordValue(value);
        }
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

    /** @return how many threads record into this stage through a recorder of their own (for tests) */
    int singleWriterThreads() {
        return singleWriterRecorders.size();
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
     * Swaps out what was recorded since the last call, from every thread (for {@link LatencyIntervals}: one caller
     * at a time). A value recorded while the swap runs lands in this interval or the next, never in neither.
     *
     * @return the interval's histogram, a new one each time (the caller may keep it), with its start and end
     *         time stamps (epoch ms) set
     */
    synchronized Histogram intervalHistogram() {
        Histogram interval = sharedRecorder.getIntervalHistogram();
        for (SingleWriterRecorder recorder : singleWriterRecorders) {
            if (swapScratch == null) {
                swapScratch = newHistogram();
            }
            recorder.getIntervalHistogramInto(swapScratch);
            interval.add(swapScratch);
            interval.setStartTimeStamp(Math.min(interval.getStartTimeStamp(), swapScratch.getStartTimeStamp()));
            interval.setEndTimeStamp(Math.max(interval.getEndTimeStamp(), swapScratch.getEndTimeStamp()));
        }
        return interval;
    }

    private SingleWriterRecorder claimSingleWriterRecorder() {
        synchronized (singleWriterRecorders) {
            if (singleWriterRecorders.size() >= MAX_SINGLE_WRITER_THREADS) {
                return null;
            }
            SingleWriterRecorder recorder = new SingleWriterRecorder(LOWEST_DISCERNIBLE_MICROS, HIGHEST_TRACKABLE_MICROS,
                    SIGNIFICANT_DIGITS);
            singleWriterRecorders.add(recorder);
            return recorder;
        }
    }
}
