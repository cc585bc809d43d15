package io.storycast.gateway.live;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The stories this process heard were retracted lately, by tray member, so that a push of one that arrives after its
 * retraction is not sent: a fan-out's publish still in flight when the story was retracted (its lookup and
 * {@code PUBLISH} race the retraction's broadcast), a push held while a connection sets up or resumes, or a story of a
 * resume's backlog read before the retraction. Those windows last a few Redis round trips, so the memory is short:
 * a member is remembered for {@code maxAgeNanos} and at most {@code capacity} members are (the oldest forgotten
 * first). Past either bound a late push would go out again; the tray never shows a retracted story either way.
 *
 * <p>Written on the hub's event loop only ({@link #add}); {@link #contains} is for any thread. Memory: at most
 * {@code capacity} members and their times (about 200 bytes each with the longest ids).
 */
final class RetractedStories {
    /** Members remembered at most, by default: all of a minute's at up to 270 retractions a second (about 3 MB). */
    static final int DEFAULT_CAPACITY = 16_384;
    /** How long a member is remembered by default, ns: a minute, far longer than a push in flight takes to arrive. */
    static final long DEFAULT_MAX_AGE_NANOS = 60_000_000_000L;

    private final int capacity;
    private final long maxAgeNanos;
    private final LongSupplier clockNanos;
    private final Map<String, Long> members = new ConcurrentHashMap<>();
    /** Oldest first; the hub's event loop only. */
    private final ArrayDeque<String> order = new ArrayDeque<>();

    /**
     * @param capacity    members remembered at most, at least 1
     * @param maxAgeNanos how long one is remembered, ns, at least 1
     * @param clockNanos  a monotonic clock, ns ({@code System::nanoTime})
     */
    RetractedStories(int capacity, long maxAgeNanos, LongSupplier clockNanos) {
        if (capacity < 1 || maxAgeNanos < 1) {
            throw new IllegalArgumentException("capacity and maxAgeNanos must be at least 1, were " + capacity + " and "
                    + maxAgeNanos);
        }
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeNanos;
        this.clockNanos = Objects.requireNonNull(clockNanos, "clockNanos");
    }

    /** Remembers a retracted member, forgetting those past the age or the capacity; the hub's event loop only. */
    void add(String member) {
        long now = clockNanos.getAsLong();
        while (!order.isEmpty() && now - members.get(order.peek()) >= maxAgeNanos) {
            members.remove(order.poll());
        }
        if (members.putIfAbsent(member, now) == null) {
            order.add(member);
            if (order.size() > capacity) {
                members.remove(order.poll());
            }
        }
    }

    /** @return whether the member was retracted within the age (and is still remembered); any thread */
    boolean contains(String member) {
        Long at = members.get(member);
        return at != null && clockNanos.getAsLong() - at < maxAgeNanos;
    }

    /** @return members remembered now, at most the capacity; the hub's event loop only */
    int size() {
        return order.size();
    }
}
