package io.storycast.gateway.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the requests handled at once across every event loop of the process. Non-blocking: a request
 * past the bound is refused at once ({@link #tryAcquire()} returns false), never queued.
 */
public final class InFlightLimiter {
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param maxInFlight most requests at once, at least 1 */
    public InFlightLimiter(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
    }

    /** @return true and counts the request when below the bound; false, counting nothing, when at it */
    public boolean tryAcquire() {
        while (true) {
            int current = inFlight.get();
            if (current >= maxInFlight) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Ends a request counted by a successful {@link #tryAcquire()}. */
    public void release() {
        inFlight.decrementAndGet();
    }

    /** @return the requests counted now */
    public int inFlight() {
        return inFlight.get();
    }

    /** @return the bound */
    public int maxInFlight() {
        return maxInFlight;
    }
}
