package io.storycast.gateway.audience;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.Objects;

/** Reads and replaces authors' cross-share preferences: one string key per author holding the JSON. */
public final class CrossShareStore {
    private final Redis redis;
    private final RedisKeys keys;

    public CrossShareStore(Redis redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** @return the author's preference, {@link CrossShare#NONE} when none was ever set */
    public Future<CrossShare> get(String authorId) {
        return send(Request.cmd(Command.GET).arg(keys.crossShare(authorId)))
                .map(stored -> stored == null ? CrossShare.NONE : CrossShare.fromJson(new JsonObject(stored.toString())));
    }

    /** Replaces the author's whole preference; an empty one is deleted. */
    public Future<Void> put(String authorId, CrossShare preference) {
        Request request = preference.equals(CrossShare.NONE)
                ? Request.cmd(Command.DEL).arg(keys.crossShare(authorId))
                : Request.cmd(Command.SET).arg(keys.crossShare(authorId)).arg(preference.toJson().encode());
        return send(request).mapEmpty();
    }

    /** Sends one command; a failure becomes a {@link StoreUnavailableException}. */
    private Future<Response> send(Request request) {
        return StoreUnavailableException.onFailure(redis.send(request));
    }
}
