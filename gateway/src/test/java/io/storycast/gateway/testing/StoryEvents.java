package io.storycast.gateway.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Builds valid story events for tests; each call gets a fresh story id unless one is given. */
public final class StoryEvents {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private StoryEvents() {
    }

    /** @return a unique story id for this JVM, readable in failures */
    public static String newStoryId() {
        return "story-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    /** @return a valid Instagram image story by {@code authorId}, posted a minute ago */
    public static JsonObject valid(String storyId, String authorId) {
        return new JsonObject()
                .put("platform", "instagram")
                .put("storyId", storyId)
                .put("authorId", authorId)
                .put("createdAt", Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString())
                .put("audience", "default")
                .put("media", new JsonObject().put("id", "media-" + storyId).put("kind", "image"))
                .put("caption", "hello from " + authorId)
                .put("shareTo", new JsonArray().add("facebook"));
    }

    public static JsonObject valid() {
        return valid(newStoryId(), "author-1");
    }
}
