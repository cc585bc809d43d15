package io.storycast.loadtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Valid story events (docs/EVENTS.md) with fresh ids, written by Jackson ({@link Json}), one at a time or as an
 * NDJSON batch. Every event names one media id, which
 * the simulations upload before they post ({@link Seeding#readyMedia}): a story whose media is missing would wait
 * in the fan-out for {@code fanout.mediaWaitSeconds} (with {@code fanout.awaitMedia}, the default) and hold the
 * fan-out back for the next run.
 */
final class StoryEventsFactory {
    static final List<String> PLATFORMS = List.of("instagram", "facebook", "whatsapp", "messenger");

    private final String mediaId;
    private final String idPrefix;

    /**
     * @param mediaId  the media every event names (an image)
     * @param idPrefix the start of every story id, e.g. the run's prefix
     */
    StoryEventsFactory(String mediaId, String idPrefix) {
        this.mediaId = Objects.requireNonNull(mediaId, "mediaId");
        this.idPrefix = Objects.requireNonNull(idPrefix, "idPrefix");
    }

    /** @return a fresh story id, unique across runs (a random UUID after the prefix) */
    String newStoryId() {
        return idPrefix + "-st-" + UUID.randomUUID();
    }

    /**
     * @param shareTo the event's {@code shareTo}, or null to leave it out (the author's cross-share preference applies)
     * @return one event as compact JSON, no trailing newline
     */
    String event(String platform, String storyId, String authorId, List<String> shareTo) {
        return Json.write(eventNode(platform, storyId, authorId, shareTo));
    }

    /** @return the event of {@link #event} as a tree, e.g. for {@link Json#ndjson} */
    ObjectNode eventNode(String platform, String storyId, String authorId, List<String> shareTo) {
        ObjectNode event = Json.MAPPER.createObjectNode()
                .put("platform", platform)
                .put("storyId", storyId)
                .put("authorId", authorId)
                .put("createdAt", Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS).toString())
                .put("audience", "default")
                .put("caption", "load test");
        event.putObject("media").put("id", mediaId).put("kind", "image");
        if (shareTo != null) {
            ArrayNode targets = event.putArray("shareTo");
            shareTo.forEach(targets::add);
        }
        return event;
    }

    /**
     * An event by a random author of {@code authors} (ids {@code <prefix>-author-<n>}) on a random one of
     * {@code sources}, shared to one random other platform.
     */
    String randomEvent(List<String> sources, int authors) {
        return Json.write(randomEventNode(sources, authors));
    }

    private ObjectNode randomEventNode(List<String> sources, int authors) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String platform = sources.get(random.nextInt(sources.size()));
        int source = PLATFORMS.indexOf(platform);
        String target = PLATFORMS.get((source + 1 + random.nextInt(PLATFORMS.size() - 1)) % PLATFORMS.size());
        return eventNode(platform, newStoryId(), idPrefix + "-author-" + random.nextInt(authors), List.of(target));
    }

    /** @return {@code size} events of {@link #randomEvent} as NDJSON */
    String randomBatch(List<String> sources, int size, int authors) {
        List<ObjectNode> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            events.add(randomEventNode(sources, authors));
        }
        return Json.ndjson(events);
    }

    /**
     * A new story by a random ordinary author of {@code plan}, on its source platform, with no {@code shareTo} (the
     * author's cross-share preference, seeded with the plan, applies).
     */
    String planEvent(SeedPlan plan) {
        return Json.write(planEventNode(plan));
    }

    /** @return {@code size} events of {@link #planEvent} as NDJSON */
    String planBatch(SeedPlan plan, int size) {
        List<ObjectNode> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            events.add(planEventNode(plan));
        }
        return Json.ndjson(events);
    }

    private ObjectNode planEventNode(SeedPlan plan) {
        return eventNode(plan.sourcePlatform(), newStoryId(), plan.authorId(plan.randomAuthor()), null);
    }

    /** @throws IllegalArgumentException naming a platform that is not one of the four */
    static List<String> checkPlatforms(String parameter, List<String> platforms) {
        if (platforms.isEmpty()) {
            throw new IllegalArgumentException("system property " + parameter + " names no platform");
        }
        for (String platform : platforms) {
            if (!PLATFORMS.contains(platform)) {
                throw new IllegalArgumentException("system property " + parameter + ": '" + platform + "' is not one of " + PLATFORMS);
            }
        }
        return platforms;
    }
}
