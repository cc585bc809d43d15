package io.storycast.gateway.live;

import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.TrayCursor;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One story for the live connections of one platform, as a gateway process received it: immutable, shared by every
 * connection it goes to (on any event loop). What every connection sends of it is encoded here once, not once per
 * connection: a story to thousands of connected subscribers would otherwise be encoded thousands of times.
 */
final class LivePush {
    private final String kind;
    private final Platform platform;
    private final TrayCursor cursor;
    private final JsonObject entry;
    private final byte[] entryJson;
    private final long expiresAtMillis;
    private final long acceptedAtMillis;
    private final long publishedAtMicros;
    private final String eventId;
    /**
     * The WebSocket message with {@link #eventId}, made by the first connection that sends it. A race between two
     * loops makes it twice, equal; a String is safe to share without a lock (its fields are final).
     */
    private String webSocketMessage;

    /**
     * @param kind              {@code story} (pushed into trays) or {@code outbox} (a large audience's outbox)
     * @param platform          the trays' platform
     * @param cursor            the story's place in those trays: its createdAt and tray member
     * @param entry             the tray entry, as the tray API shows it
     * @param entryJson         the same, encoded once (UTF-8 JSON without line breaks): an SSE event's data
     * @param expiresAtMillis   when the story expires, epoch ms
     * @param acceptedAtMillis  when its stream entry was appended, epoch ms (Redis's clock); 0 for a story read for a
     *                          resume
     * @param publishedAtMicros when the fan-out published it, epoch µs (the publishing process's clock); 0 for a story
     *                          read for a resume
     */
    LivePush(String kind, Platform platform, TrayCursor cursor, JsonObject entry, byte[] entryJson,
             long expiresAtMillis, long acceptedAtMillis, long publishedAtMicros) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.platform = Objects.requireNonNull(platform, "platform");
        this.cursor = Objects.requireNonNull(cursor, "cursor");
        this.entry = Objects.requireNonNull(entry, "entry");
        this.entryJson = Objects.requireNonNull(entryJson, "entryJson");
        this.expiresAtMillis = expiresAtMillis;
        this.acceptedAtMillis = acceptedAtMillis;
        this.publishedAtMicros = publishedAtMicros;
        this.eventId = cursor.encode();
    }

    String kind() {
        return kind;
    }

    Platform platform() {
        return platform;
    }

    TrayCursor cursor() {
        return cursor;
    }

    JsonObject entry() {
        return entry;
    }

    byte[] entryJson() {
        return entryJson;
    }

    long expiresAtMillis() {
        return expiresAtMillis;
    }

    long acceptedAtMillis() {
        return acceptedAtMillis;
    }

    long publishedAtMicros() {
        return publishedAtMicros;
    }

    /** @return the story's tray member, {@code "<source platform>:<storyId>"} */
    String member() {
        return cursor.member();
    }

    /** @return {@link #cursor()} encoded as a resume id (an SSE {@code id:}, a WebSocket message's {@code id}) */
    String eventId() {
        return eventId;
    }

    /**
     * @param id the resume id the connection sends with it: this story's {@link #eventId()}, or a newer story's that
     *           the connection sent before (base64url, so it needs no escaping in JSON)
     * @return {@code {"type":"story","id":<id>,"story":<entry>}}; the same instance for every connection that sends
     *         this story's own id
     */
    String webSocketMessage(String id) {
        if (!id.equals(eventId)) {
            return webSocketMessageWith(id);
        }
        String message = webSocketMessage;
        if (message == null) {
            message = webSocketMessageWith(eventId);
            webSocketMessage = message;
        }
        return message;
    }

    private String webSocketMessageWith(String id) {
        return "{\"type\":\"story\",\"id\":\"" + id + "\",\"story\":" + new String(entryJson, StandardCharsets.UTF_8) + "}";
    }
}
