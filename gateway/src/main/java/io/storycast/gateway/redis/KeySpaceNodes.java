package io.storycast.gateway.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.List;
import java.util.Objects;

/**
 * The servers a walk over the whole key space ({@code SCAN}) must visit, each with a connection to it
 * alone: a {@code SCAN} cursor belongs to one server, and a cluster client would send it to any node.
 */
public interface KeySpaceNodes {
    /**
     * @return a connection per server holding keys now: the one server, or every master of a cluster;
     *         ask again for each walk, since a cluster's masters change
     */
    Future<List<Redis>> current();

    /** Closes the connections this opened; not the one it was given. */
    Future<Void> close();

    /** @return the one server of a standalone deployment, reached through {@code redis} */
    static KeySpaceNodes standalone(Redis redis) {
        Objects.requireNonNull(redis, "redis");
        return new KeySpaceNodes() {
            @Override
            public Future<List<Redis>> current() {
                return Future.succeededFuture(List.of(redis));
            }

            @Override
            public Future<Void> close() {
                return Future.succeededFuture();
            }
        };
    }
}
