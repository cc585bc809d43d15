package io.storycast.gateway.fanout;

import java.util.ArrayDeque;

/**
 * A counting bound for one event loop that never blocks: {@link #tryAcquire} answers false when the
 * permits are out, and {@link #whenAvailable} queues an action that runs, in arrival order, once its
 * permits are free and taken for it. The fan-out bounds its stories in flight and its unanswered Redis
 * commands with it. The queue of waiting actions is bounded by its callers: each waits at most once at a
 * time, and there are at most as many of them as stories in flight.
 *
 * <p>Not thread-safe: use it on one event loop.
 */
final class Permits {
    private final int capacity;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int available;

    private record Waiter(int permits, Runnable action) {
    }

    /** @param capacity the number of permits, at least 1 */
    Permits(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.available = capacity;
    }

    /** @return true when {@code permits} were free and are now taken; never when others wait for theirs */
    boolean tryAcquire(int permits) {
        int wanted = Math.min(permits, capacity);
        if (waiters.isEmpty() && available >= wanted) {
            available -= wanted;
            return true;
        }
        return false;
    }

    /**
     * Takes {@code permits} now and runs {@code action}, or queues it to run once they are free. A request
     * above the capacity takes the whole capacity, so it cannot wait forever.
     */
    void whenAvailable(int permits, Runnable action) {
        if (tryAcquire(permits)) {
            action.run();
        } else {
            waiters.add(new Waiter(Math.min(permits, capacity), action));
        }
    }

    /** Gives back permits taken with {@code tryAcquire(permits)} or {@code whenAvailable(permits, ...)}. */
    void release(int permits) {
        available = Math.min(capacity, available + Math.min(permits, capacity));
        while (!waiters.isEmpty() && waiters.peek().permits() <= available) {
            Waiter next = waiters.poll();
            available -= next.permits();
            next.action().run();
        }
    }

    /** @return permits free right now */
    int available() {
        return available;
    }
}
