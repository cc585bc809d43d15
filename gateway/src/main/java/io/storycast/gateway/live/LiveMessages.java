package io.storycast.gateway.live;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.storycast.gateway.trays.StoryRecord;
import io.storycast.gateway.trays.TrayCursor;
import io.storycast.gateway.trays.TrayEntries;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The messages gateway processes send each other over Redis pub/sub, as JSON (Vert.x's Jackson codec):
 * <ul>
 *   <li>{@code story}, on a process's own channel: a story is in the trays of {@code to}, subscribers with a
 *       connection on that process;</li>
 *   <li>{@code outbox}, to every process: a story went into the outbox of a large audience; each process checks
 *       its own connected subscribers' membership;</li>
 *   <li>{@code retract}, to every process: a story was retracted.</li>
 * </ul>
 * A story message carries the tray entry, its place in the tray, its expiry, and the times its latency stages
 * start from.
 */
final class LiveMessages {
    static final String STORY = "story";
    static final String OUTBOX = "outbox";
    static final String RETRACT = "retract";

    private LiveMessages() {
    }

    /** @return the fields every story message shares: built once per chunk, copied per process */
    static JsonObject story(String kind, StoryEvent story, long acceptedAtMillis, Platform target) {
        return new JsonObject()
                .put("type", kind)
                .put("platform", target.wireName())
                .put("member", RedisKeys.trayMember(story.platform(), story.storyId()))
                .put("score", story.createdAtMillis())
                .put("expiresAt", story.expiresAtMillis())
                .put("acceptedAt", acceptedAtMillis)
                .put("entry", TrayEntries.toJson(StoryRecord.of(story), target));
    }

    static Buffer targeted(JsonObject story, List<String> subscribers, long publishedAtMicros) {
        return story.copy().put("to", new JsonArray(List.copyOf(subscribers))).put("publishedAt", publishedAtMicros).toBuffer();
    }

    static Buffer outbox(JsonObject story, String authorId, Audience list, long publishedAtMicros) {
        return story.copy().put("authorId", authorId).put("list", list.wireName()).put("publishedAt", publishedAtMicros)
                .toBuffer();
    }

    static Buffer retract(Platform source, String storyId) {
        return new JsonObject().put("type", RETRACT).put("member", RedisKeys.trayMember(source, storyId)).toBuffer();
    }

    /** @return the push a story or outbox message describes, or {@code null} when it names no known platform */
    static LivePush push(JsonObject message) {
        Platform platform = Platform.fromWireName(message.getString("platform"));
        if (platform == null) {
            return null;
        }
        JsonObject entry = message.getJsonObject("entry");
        return new LivePush(message.getString("type"), platform,
                new TrayCursor(message.getLong("score"), message.getString("member")), entry, entry.toBuffer().getBytes(),
                message.getLong("expiresAt"), message.getLong("acceptedAt"), message.getLong("publishedAt"));
    }
}
