package io.storycast.gateway.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HdrHistogram interval log per stage ({@code <metrics.hlogDir>/<stage>.hlog}), one line per
 * {@code metrics.intervalMillis}: what HdrHistogram's {@code HistogramLogProcessor} and
 * {@code HistogramLogAnalyzer} read. A restart appends a new log (its own start time and legend) to the
 * same file, so the history of a host stays in one place.
 *
 * <p>Values are microseconds, as recorded; the {@code Interval_Max} column is in milliseconds. Writes
 * block on the file: call only from a worker thread, never an event loop. Not thread-safe.
 */
final class IntervalLogs implements AutoCloseable {
    /** The {@code Interval_Max} column's divisor: microseconds to milliseconds. */
    static final double MAX_VALUE_UNIT_RATIO = 1000.0;

    private final Map<String, HistogramLogWriter> writers = new LinkedHashMap<>();
    private final long baseTimeMillis;

    /**
     * @param dir            the folder, created if missing
     * @param stages         the stages, one file each
     * @param baseTimeMillis the log's start (epoch ms): interval times in the log count from it
     * @throws UncheckedIOException when the folder or a file cannot be opened
     */
    IntervalLogs(Path dir, List<StageRecorder> stages, long baseTimeMillis) {
        Objects.requireNonNull(dir, "dir");
        this.baseTimeMillis = baseTimeMillis;
        try {
            Files.createDirectories(dir);
            for (StageRecorder stage : stages) {
                Path file = dir.resolve(stage.name() + ".hlog");
                // Appended, unbuffered and flushed per line: a crash loses at most the interval in progress.
                HistogramLogWriter writer = new HistogramLogWriter(new PrintStream(
                        new FileOutputStream(file.toFile(), true), true, StandardCharsets.US_ASCII));
                writer.outputComment("Storycast stage " + stage.name() + ": " + stage.description());
                writer.outputComment("values in microseconds; Interval_Max in milliseconds");
                writer.outputLogFormatVersion();
                writer.outputStartTime(baseTimeMillis);
                writer.setBaseTime(baseTimeMillis);
                writer.outputBaseTime(baseTimeMillis);
                writer.outputLegend();
                writers.put(stage.name(), writer);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot write interval logs in metrics.hlogDir " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Appends one interval of {@code stage}. */
    void write(String stage, Histogram interval) {
        HistogramLogWriter writer = writers.get(stage);
        if (writer == null) {
            return;
        }
        writer.outputIntervalHistogram((interval.getStartTimeStamp() - baseTimeMillis) / 1000.0,
                (interval.getEndTimeStamp() - baseTimeMillis) / 1000.0, interval, MAX_VALUE_UNIT_RATIO);
    }

    @Override
    public void close() {
        writers.values().forEach(HistogramLogWriter::close);
        writers.clear();
    }
}
