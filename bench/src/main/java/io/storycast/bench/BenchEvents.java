package io.storycast.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A realistic story event (about 300 bytes of JSON), created a second ago. */
final class BenchEvents {
    private BenchEvents() {
    }

    static String event(String storyId, String authorId) {
        return "{\"platform\":\"instagram\",\"storyId\":\"" + storyId + "\",\"authorId\":\"" + authorId
                + "\",\"createdAt\":\"" + Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS)
                + "\",\"audience\":\"default\",\"media\":{\"id\":\"media-" + storyId + "\",\"kind\":\"image\"},"
                + "\"caption\":\"a story for the benchmark\",\"shareTo\":[\"facebook\",\"whatsapp\"]}";
    }
}
