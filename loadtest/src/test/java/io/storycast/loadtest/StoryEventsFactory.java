package io.storycast.loadtest;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Valid story events with fresh ids, for the simulations. Authors are drawn from a fixed population. */
final class StoryEventsFactory {
    private static final String[] PLATFORMS = {"instagram", "facebook", "whatsapp", "messenger"};
    /** Source platforms to post for: the producer key's platforms (system property {@code platforms}). */
    private static final String[] SOURCES = System.getProperty("platforms", "instagram,facebook,whatsapp,messenger").split(",");

    private StoryEventsFactory() {
    }

    /** @return one event as compact JSON (no trailing newline) */
    static String event(int authors) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String platform = SOURCES[random.nextInt(SOURCES.length)].trim();
        String target = PLATFORMS[(indexOf(platform) + 1 + random.nextInt(PLATFORMS.length - 1)) % PLATFORMS.length];
        String createdAt = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS).toString();
        String storyId = UUID.randomUUID().toString();
        return "{\"platform\":\"" + platform + "\",\"storyId\":\"" + storyId + "\",\"authorId\":\"author-"
                + random.nextInt(authors) + "\",\"createdAt\":\"" + createdAt + "\",\"audience\":\"default\","
                + "\"media\":{\"id\":\"media-" + storyId + "\",\"kind\":\"image\"},\"caption\":\"load test\","
                + "\"shareTo\":[\"" + target + "\"]}";
    }

    /** @return {@code size} events as NDJSON */
    static String batch(int size, int authors) {
        StringBuilder body = new StringBuilder(size * 320);
        for (int i = 0; i < size; i++) {
            body.append(event(authors)).append('\n');
        }
        return body.toString();
    }

    private static int indexOf(String platform) {
        for (int i = 0; i < PLATFORMS.length; i++) {
            if (PLATFORMS[i].equals(platform)) {
                return i;
            }
        }
        throw new IllegalArgumentException(platform);
    }
}
