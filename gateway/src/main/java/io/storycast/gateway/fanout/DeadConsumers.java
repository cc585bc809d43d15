package io.storycast.gateway.fanout;

import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Removes the fan-out group's consumers that are gone: no pending entry, and idle (no read, no claim) for
 * longer than {@code fanout.deadConsumerIdleMillis} ({@code XINFO CONSUMERS}, then {@code XGROUP
 * DELCONSUMER}, in one script: {@code dead-consumers.lua}). Every gateway process reads as a consumer of
 * its own name, so without this a group lists every process that ever ran. A live consumer reads at least
 * every {@code fanout.blockMillis}, far below the bound; one removed anyway would come back at its next
 * read, and a consumer with pending entries is kept until the claimer has taken them over. Stateless.
 */
final class DeadConsumers {
    private static final LuaScript SCRIPT = LuaScript.load(DeadConsumers.class, "dead-consumers.lua");

    private final Redis redis;
    private final RedisKeys keys;
    private final String self;
    private final long idleMillis;

    /**
     * @param self       this process's consumer name, never removed
     * @param idleMillis how long a consumer with nothing pending is idle before it is removed, milliseconds,
     *                   at least 1
     */
    DeadConsumers(Redis redis, RedisKeys keys, String self, long idleMillis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.self = Objects.requireNonNull(self, "self");
        if (idleMillis < 1) {
            throw new IllegalArgumentException("idleMillis must be at least 1, was " + idleMillis);
        }
        this.idleMillis = idleMillis;
    }

    /** @return the consumers removed from the group of the partition's stream */
    Future<List<String>> remove(int partition) {
        return SCRIPT.call(redis, request -> request.arg(1).arg(keys.storyStream(partition))
                        .arg(RedisKeys.FANOUT_GROUP).arg(idleMillis).arg(self))
                .map(removed -> {
                    List<String> names = new ArrayList<>(removed.size());
                    for (Response name : removed) {
                        names.add(name.toString());
                    }
                    return names;
                });
    }
}
