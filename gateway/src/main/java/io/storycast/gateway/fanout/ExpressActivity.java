package io.storycast.gateway.fanout;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * When this process's fan-out last began a story: the signal that small stories are under way, read by the
 * {@link LanePacer}s of every fan-out event loop. Every story's first commands (its preference, its record,
 * its routes) go over the express lane, and a small story is done within a few round trips, so "a story
 * began within the last {@link #BUSY_FOR_MILLIS} ms" covers a small story from its first command to its
 * last, with room for a loaded machine.
 *
 * <p>Thread-safe and wait-free: each fan-out event loop writes it, every bulk lane reads it. It sees this
 * process's stories only; the stories of other gateway processes on the same Redis do not pace this one's
 * bulk lanes.
 */
public final class ExpressActivity {
    /** How long after a story began the express lane counts as busy, ms. */
    public static final long BUSY_FOR_MILLIS = 100;
    private static final long BUSY_FOR_NANOS = BUSY_FOR_MILLIS * 1_000_000;

    private final LongSupplier nanoClock;
    /** {@code nanoClock} at the last story's beginning; far enough in the past to be idle at first. */
    private final AtomicLong lastBeganNanos;

    /** @param nanoClock a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests */
    public ExpressActivity(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.lastBeganNanos = new AtomicLong(nanoClock.getAsLong() - 2 * BUSY_FOR_NANOS);
    }

    /**
     * A story's fan-out began, or began its round trips after waiting for its media (any story: a large one's
     * few beginnings cost the bulk lane nothing measurable).
     */
    void storyBegan() {
        long now = nanoClock.getAsLong();
        // The later of the two: a thread preempted between its clock read and its write must not move it back.
        lastBeganNanos.accumulateAndGet(now, (stored, given) -> given - stored > 0 ? given : stored);
    }

    /** @return true while a story began within the last {@link #BUSY_FOR_MILLIS} ms of {@code nowNanos} */
    boolean busy(long nowNanos) {
        return nowNanos - lastBeganNanos.get() < BUSY_FOR_NANOS;
    }
}
