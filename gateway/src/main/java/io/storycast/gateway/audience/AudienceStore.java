package io.storycast.gateway.audience;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoreUnavailableException;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Authors' audiences and mutes in Redis. An audience is a sorted set whose scores are all 0, so its
 * members are ordered by id: a page or a fan-out chunk continues after the last id it saw, which stays
 * valid while members come and go. Adding and removing are idempotent.
 */
public final class AudienceStore {
    private final Redis redis;
    private final RedisKeys keys;

    public AudienceStore(Redis redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** @return how many of {@code members} were not members before (one command) */
    public Future<Long> add(Platform platform, String authorId, Audience list, List<String> members) {
        Request zadd = Request.cmd(Command.ZADD).arg(keys.audience(platform, authorId, list));
        for (String member : members) {
            zadd.arg(0).arg(member);
        }
        return send(zadd).map(Response::toLong);
    }

    /** @return how many of {@code members} were members (one command) */
    public Future<Long> remove(Platform platform, String authorId, Audience list, List<String> members) {
        Request zrem = Request.cmd(Command.ZREM).arg(keys.audience(platform, authorId, list));
        members.forEach(zrem::arg);
        return send(zrem).map(Response::toLong);
    }

    /** @return the number of members */
    public Future<Long> count(Platform platform, String authorId, Audience list) {
        return send(Request.cmd(Command.ZCARD).arg(keys.audience(platform, authorId, list))).map(Response::toLong);
    }

    /**
     * @param after the last member of the previous page, or {@code null} for the first page
     * @param limit most members to return, at least 1
     * @return up to {@code limit} members after {@code after}, in id order
     */
    public Future<List<String>> page(Platform platform, String authorId, Audience list, String after, int limit) {
        return send(Request.cmd(Command.ZRANGE).arg(keys.audience(platform, authorId, list))
                        .arg(after == null ? "-" : "(" + after).arg("+").arg("BYLEX").arg("LIMIT").arg(0).arg(limit))
                .map(AudienceStore::strings);
    }

    /** Mutes {@code authorId} for {@code subscriberId} on {@code platform}; idempotent. */
    public Future<Void> mute(Platform platform, String subscriberId, String authorId) {
        return send(Request.cmd(Command.SADD).arg(keys.mutedBy(platform, authorId)).arg(subscriberId)).mapEmpty();
    }

    /** Unmutes; idempotent. */
    public Future<Void> unmute(Platform platform, String subscriberId, String authorId) {
        return send(Request.cmd(Command.SREM).arg(keys.mutedBy(platform, authorId)).arg(subscriberId)).mapEmpty();
    }

    /** Sends one command; a failure becomes a {@link StoreUnavailableException}. */
    private Future<Response> send(Request request) {
        return StoreUnavailableException.onFailure(redis.send(request));
    }

    private static List<String> strings(Response array) {
        List<String> values = new ArrayList<>(array.size());
        for (Response value : array) {
            values.add(value.toString());
        }
        return values;
    }
}
