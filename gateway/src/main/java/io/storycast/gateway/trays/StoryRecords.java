package io.storycast.gateway.trays;

import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoreUnavailableException;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a story's hash (record and fan-out state) and retracts stories. A story has a hash from the moment
 * the fan-out begins it until it expires.
 */
public final class StoryRecords {
    private static final LuaScript RETRACT = LuaScript.load(StoryRecords.class, "story-retract.lua");

    /** What a retraction found. */
    public enum Retraction { UNKNOWN, RETRACTED, ALREADY_RETRACTED }

    private final Redis redis;
    private final RedisKeys keys;

    public StoryRecords(Redis redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** @return the story's hash fields, empty when there is no such story */
    public Future<Map<String, String>> read(Platform source, String storyId) {
        return StoreUnavailableException.onFailure(redis.send(Request.cmd(Command.HGETALL).arg(keys.story(source, storyId))))
                .map(StoryRecords::asMap);
    }

    /**
     * Marks the story retracted: tray reads leave it out from now on, and its fan-out stops.
     *
     * @param nowMillis the time of the retraction, epoch ms
     */
    public Future<Retraction> retract(Platform source, String storyId, long nowMillis) {
        return StoreUnavailableException.onFailure(RETRACT.call(redis, request -> request.arg(1)
                        .arg(keys.story(source, storyId)).arg(nowMillis)))
                .map(reply -> switch (reply.toInteger()) {
                    case 1 -> Retraction.RETRACTED;
                    case 2 -> Retraction.ALREADY_RETRACTED;
                    default -> Retraction.UNKNOWN;
                });
    }

    /** @return a hash's fields and values: HGETALL answers a map under RESP3 and a flat array under RESP2 */
    public static Map<String, String> asMap(Response reply) {
        Map<String, String> map = new HashMap<>();
        if (reply == null) {
            return map;
        }
        if (reply.isMap()) {
            for (String key : reply.getKeys()) {
                map.put(key, reply.get(key).toString());
            }
            return map;
        }
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            map.put(reply.get(i).toString(), reply.get(i + 1).toString());
        }
        return map;
    }
}
