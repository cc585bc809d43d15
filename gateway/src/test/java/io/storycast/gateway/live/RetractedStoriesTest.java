package io.storycast.gateway.live;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The hub's memory of retracted stories stays within its capacity and its age. */
class RetractedStoriesTest {
    private final AtomicLong nowNanos = new AtomicLong(1_000);

    @Test
    void remembersAMemberForItsAgeOnly() {
        RetractedStories retracted = new RetractedStories(10, 1_000, nowNanos::get);
        retracted.add("instagram:s-1");
        nowNanos.addAndGet(999);
        assertThat(retracted.contains("instagram:s-1")).isTrue();
        nowNanos.addAndGet(1);
        assertThat(retracted.contains("instagram:s-1")).isFalse();
        retracted.add("instagram:s-2"); // forgets what aged out
        assertThat(retracted.size()).isEqualTo(1);
        assertThat(retracted.contains("instagram:s-2")).isTrue();
    }

    @Test
    void forgetsTheOldestPastItsCapacity() {
        RetractedStories retracted = new RetractedStories(3, Long.MAX_VALUE, nowNanos::get);
        for (int i = 1; i <= 5; i++) {
            retracted.add("instagram:s-" + i);
            retracted.add("instagram:s-" + i); // a retraction heard twice takes one place
        }
        assertThat(retracted.size()).isEqualTo(3);
        assertThat(retracted.contains("instagram:s-2")).isFalse();
        assertThat(retracted.contains("instagram:s-3")).isTrue();
        assertThat(retracted.contains("instagram:s-5")).isTrue();
    }
}
