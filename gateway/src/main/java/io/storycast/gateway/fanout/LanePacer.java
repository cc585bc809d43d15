package io.storycast.gateway.fanout;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Decides when a lane's next chunk batch goes to Redis. The express lane's pacer sends every batch at once.
 * A bulk lane's pacer does too while no story is under way; while one is ({@link ExpressActivity}), it keeps
 * one batch at a time in Redis and, after each answer, pauses for the batch's round trip times
 * {@code (100 - dutyCyclePercent) / dutyCyclePercent} (capped at {@link #MAX_PAUSE_MILLIS}), so the large
 * fan-out's batches hold Redis, and the gateway's CPU, about {@code dutyCyclePercent} of the time (its chunk
 * reads and final writes are not paced, so a little more in all).
 *
 * <p>Why a duty cycle and not a queue priority: on two cores Redis, the gateway and its clients share the
 * CPU, and a large fan-out at full speed keeps both busy, so a small story's every round trip waited for a
 * core and for Redis's current slice of bulk commands whatever its connection (docs/PERFORMANCE.md). The
 * pause gives them back, and it scales with the round trip, so it means the same share on any machine.
 * The bulk lane is never starved: it keeps its share however many stories arrive.
 *
 * <p>Every batch {@link #whenMaySend} runs must be reported once to {@link #answered}, failed ones included.
 * Batches run in arrival order, so a story's chunks go in order. The waiting queue is bounded by the
 * callers: each story and platform has at most {@code fanout.chunksInFlight} batches built.
 *
 * <p>Not thread-safe: runs on its lane's event loop ({@link ExpressActivity} is the shared part).
 */
final class LanePacer {
    /** The longest pause after one batch, ms: a round trip slowed by a stalled Redis must not stop the lane for long. */
    static final long MAX_PAUSE_MILLIS = 1_000;

    /** Runs an action after a delay on the lane's event loop: {@code vertx.setTimer} outside tests. */
    interface Timers {
        void after(long delayMillis, Runnable action);
    }

    private static final LanePacer UNPACED = new LanePacer(null, 100, () -> 0, (delay, action) -> { }, () -> { });

    /** Whether stories are under way; null for the unpaced pacer, which sends every batch at once. */
    private final ExpressActivity express;
    private final double pausePerRoundTrip;
    private final LongSupplier nanoClock;
    private final Timers timers;
    private final Runnable onPaced;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int batchesInFlight;
    private long resumeAtNanos;
    private boolean timerSet;

    private LanePacer(ExpressActivity express, int dutyCyclePercent, LongSupplier nanoClock, Timers timers,
                      Runnable onPaced) {
        this.express = express;
        this.pausePerRoundTrip = (100.0 - dutyCyclePercent) / dutyCyclePercent;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.onPaced = Objects.requireNonNull(onPaced, "onPaced");
    }

    /** @return a pacer that sends every batch at once: the express lane's (shared: it holds no state) */
    static LanePacer unpaced() {
        return UNPACED;
    }

    /**
     * @param express          whether stories are under way
     * @param dutyCyclePercent the share of time the lane may hold a batch in Redis while they are, 1 to 100;
     *                         100 paces nothing (the same as {@link #unpaced()})
     * @param nanoClock        the clock {@code express} was made with
     * @param timers           the lane's event loop's timers
     * @param onPaced          told of each batch sent at the paced rate (a counter)
     */
    static LanePacer yieldingTo(ExpressActivity express, int dutyCyclePercent, LongSupplier nanoClock, Timers timers,
                                Runnable onPaced) {
        Objects.requireNonNull(express, "express");
        if (dutyCyclePercent < 1 || dutyCyclePercent > 100) {
            throw new IllegalArgumentException("dutyCyclePercent must be 1 to 100, was " + dutyCyclePercent);
        }
        return dutyCyclePercent == 100 ? UNPACED : new LanePacer(express, dutyCyclePercent, nanoClock, timers, onPaced);
    }

    /** Runs {@code send}, which sends one batch, now or once the pace allows; in arrival order. */
    void whenMaySend(Runnable send) {
        Objects.requireNonNull(send, "send");
        if (express == null) {
            send.run();
            return;
        }
        waiting.add(send);
        sendWhatMay();
    }

    /**
     * A batch {@link #whenMaySend} ran was answered, failed, or was dropped unsent.
     *
     * @param roundTripNanos from its send to its answer, ns; 0 for a batch dropped unsent
     */
    void answered(long roundTripNanos) {
        if (express == null) {
            return;
        }
        batchesInFlight--;
        long pauseNanos = Math.min((long) (Math.max(0, roundTripNanos) * pausePerRoundTrip), MAX_PAUSE_MILLIS * 1_000_000);
        resumeAtNanos = nanoClock.getAsLong() + pauseNanos;
        sendWhatMay();
    }

    private void sendWhatMay() {
        while (!waiting.isEmpty()) {
            long now = nanoClock.getAsLong();
            if (express.busy(now)) {
                if (batchesInFlight > 0) {
                    return; // answered() goes on
                }
                if (resumeAtNanos - now > 0) { // a difference: nanoTime values may wrap
                    wakeAfter(resumeAtNanos - now);
                    return;
                }
                onPaced.run();
            }
            batchesInFlight++;
            waiting.poll().run();
        }
    }

    private void wakeAfter(long nanos) {
        if (timerSet) {
            return;
        }
        timerSet = true;
        // Vert.x timers count whole milliseconds: round up, so the pause is never cut short.
        timers.after(Math.max(1, (nanos + 999_999) / 1_000_000), () -> {
            timerSet = false;
            sendWhatMay();
        });
    }
}
