package io.storycast.gateway.live;

import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.TrayCursor;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * One story for the live connections of one platform, as a gateway process received it: immutable, shared by every
 * connection it goes to (on any event loop).
 *
 * @param kind              {@code story} (pushed into trays) or {@code outbox} (a large audience's outbox)
 * @param platform          the trays' platform
 * @param cursor            the story's place in those trays: its createdAt and tray member
 * @param entry             the tray entry, as the tray API shows it
 * @param entryJson         the same, encoded once (UTF-8 JSON without line breaks): an SSE event's data
 * @param expiresAtMillis   when the story expires, epoch ms
 * @param acceptedAtMillis  when its stream entry was appended, epoch ms (Redis's clock)
 * @param publishedAtMicros when the fan-out published it, epoch µs (the publishing process's clock)
 */
record LivePush(String kind, Platform platform, TrayCursor cursor, JsonObject entry, byte[] entryJson,
                long expiresAtMillis, long acceptedAtMillis, long publishedAtMicros) {
    LivePush {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(cursor, "cursor");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(entryJson, "entryJson");
    }

    /** @return the story's tray member, {@code "<source platform>:<storyId>"} */
    String member() {
        return cursor.member();
    }
}
