package io.storycast.bench;

import io.storycast.gateway.metrics.StageLatencies;
import io.storycast.gateway.metrics.StageRecorder;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The cost of one latency recording on the hot path: {@link StageRecorder#recordMicros} (the HdrHistogram
 * {@code Recorder} underneath, wait-free), and {@link StageRecorder#recordSinceNanos} as the gateway calls it
 * (with its {@code System.nanoTime()} read). One thread alone, and every thread of the run on the same stage
 * at once (the contended case: all event loops finishing requests together). The values cycle through a
 * spread of latencies, as real ones spread, so the counts touched are not one hot cache line.
 *
 * <p>{@code sharedRecorderContended} is the baseline in the same run: every thread recording into one shared
 * multi-writer HdrHistogram {@link Recorder}, which a stage was before each thread got its own
 * {@code SingleWriterRecorder}. Compare the contended benchmarks with it as a ratio.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar StageRecording}; the goal is well under 100 ns a recording.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StageRecordingBenchmark {
    private static final long[] VALUES = new long[1024];

    static {
        for (int i = 0; i < VALUES.length; i++) {
            // 10 µs to ~20 s, log-spread like real latencies
            VALUES[i] = (long) (10 * Math.pow(2, (i % 64) / 3.0));
        }
    }

    private StageRecorder stage;
    private Recorder sharedRecorder;

    /** Each thread's position in the values. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        long baseNanos;

        @Setup(Level.Iteration)
        public void setUp() {
            baseNanos = System.nanoTime();
        }

        long value() {
            return VALUES[next++ & (VALUES.length - 1)];
        }

        /** A start time as far back as the next value, so elapsed times spread over the buckets as real ones do. */
        long startNanos() {
            return baseNanos - value() * 1000;
        }
    }

    @Setup
    public void setUp() {
        stage = new StageLatencies().httpIngest();
        sharedRecorder = new Recorder(StageRecorder.LOWEST_DISCERNIBLE_MICROS, StageRecorder.HIGHEST_TRACKABLE_MICROS,
                StageRecorder.SIGNIFICANT_DIGITS);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void sharedRecorderContended(Cursor cursor) {
        sharedRecorder.recordValue(cursor.value());
    }

    @Benchmark
    @Threads(1)
    public void recordMicrosAlone(Cursor cursor) {
        stage.recordMicros(cursor.value());
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void recordMicrosContended(Cursor cursor) {
        stage.recordMicros(cursor.value());
    }

    @Benchmark
    @Threads(1)
    public void recordSinceNanosAlone(Cursor cursor) {
        stage.recordSinceNanos(cursor.startNanos());
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void recordSinceNanosContended(Cursor cursor) {
        stage.recordSinceNanos(cursor.startNanos());
    }
}
