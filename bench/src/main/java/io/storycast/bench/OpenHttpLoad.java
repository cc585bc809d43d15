package io.storycast.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.HdrHistogram.Histogram;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Requests at a steady rate, open model: request {@code i} is due at {@code start + i / rate} and is sent
 * when due whether or not earlier ones were answered, and its latency runs from when it was due to its
 * answer, so a slow server shows as latency instead of slowing the load (no coordinated omission). The
 * sending runs on one event loop of the load JVM, a 1 ms timer sending whatever fell due since its last
 * tick; answers are recorded on that same event loop.
 *
 * <p>Bounded: when {@code maxOutstanding} requests are unanswered, what falls due is not sent and counts
 * as failed (the server is past saturation; the run says so instead of queueing without end).
 */
final class OpenHttpLoad {
    /** Requests awaiting an answer at most, by default: far beyond what a server past saturation answers in time. */
    static final int MAX_OUTSTANDING = 10_000;
    /** Highest latency recorded, µs: an hour. */
    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    /**
     * @param latencies every answered request's latency, µs from when it was due
     * @param failed    requests that failed, were answered with an unexpected status, or were not sent
     *                  because {@code maxOutstanding} were unanswered
     */
    record Outcome(Histogram latencies, long sent, long failed) {
    }

    private final Context eventLoop;
    private final int maxOutstanding;

    /**
     * @param eventLoop      where the requests are sent from and answered on
     * @param maxOutstanding requests awaiting an answer at most, at least 1
     */
    OpenHttpLoad(Context eventLoop, int maxOutstanding) {
        this.eventLoop = Objects.requireNonNull(eventLoop, "eventLoop");
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("maxOutstanding must be at least 1, was " + maxOutstanding);
        }
        this.maxOutstanding = maxOutstanding;
    }

    /**
     * Sends {@code request} at {@code rate} per second for {@code seconds}, then waits for the last answers.
     *
     * @param request sends one request; answers as {@link IngestComparison#post} does (fails on a status other
     *                than the expected)
     * @param rate    requests per second, above 0
     */
    Outcome run(Supplier<Future<Integer>> request, double rate, double seconds) throws Exception {
        Histogram latencies = new Histogram(MAX_MICROS, 3);
        long total = Math.max(1, Math.round(rate * seconds));
        long[] counts = new long[3]; // sent, failed, outstanding
        Promise<Outcome> finished = Promise.promise();
        eventLoop.runOnContext(start -> {
            long startNanos = System.nanoTime();
            long[] next = {0};
            eventLoop.owner().setPeriodic(1, timer -> {
                long due = Math.min(total, (long) ((System.nanoTime() - startNanos) / 1e9 * rate) + 1);
                while (next[0] < due) {
                    long intendedNanos = startNanos + (long) (next[0] / rate * 1e9);
                    next[0]++;
                    if (counts[2] >= maxOutstanding) {
                        counts[1]++;
                        continue;
                    }
                    counts[0]++;
                    counts[2]++;
                    request.get().onComplete(answer -> {
                        counts[2]--;
                        if (answer.succeeded()) {
                            latencies.recordValue(Math.min(MAX_MICROS, Math.max(0, (System.nanoTime() - intendedNanos) / 1000)));
                        } else {
                            counts[1]++;
                        }
                        if (next[0] == total && counts[2] == 0) {
                            finished.tryComplete(new Outcome(latencies, counts[0], counts[1]));
                        }
                    });
                }
                if (next[0] == total) {
                    eventLoop.owner().cancelTimer(timer);
                    if (counts[2] == 0) {
                        finished.tryComplete(new Outcome(latencies, counts[0], counts[1]));
                    }
                }
            });
        });
        return finished.future().await((long) seconds + 120, TimeUnit.SECONDS);
    }
}
