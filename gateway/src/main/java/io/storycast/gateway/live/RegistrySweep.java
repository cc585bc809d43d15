package io.storycast.gateway.live;

import io.storycast.gateway.story.Platform;
import io.vertx.redis.client.Redis;

import java.util.Objects;

/**
 * Walks the live registry's sets, one {@link LiveRegistry#sweep} step at a time, every set in turn (each platform of
 * each shard), taking out subscribers whose registry key expired without a release (their processes died) and that
 * no chunk's lookup happened to meet. Every process sweeps; the steps are idempotent, so a set is walked as long as
 * any process lives. A step does not start while the last is out.
 *
 * <p>Not thread-safe: runs on the hub's event loop.
 */
final class RegistrySweep {
    private final LiveRegistry registry;
    private final Redis redis;
    private final int shards;
    private int set;
    private String cursor = "0";
    private boolean running;

    /** @param shards the registry's shards as resolved for the Redis mode ({@code LiveConfig.registryShardsOn}) */
    RegistrySweep(LiveRegistry registry, Redis redis, int shards) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.redis = Objects.requireNonNull(redis, "redis");
        this.shards = shards;
    }

    /** Takes one step, unless the last one is still out. */
    void step() {
        if (running) {
            return;
        }
        running = true;
        int platforms = Platform.values().length;
        registry.sweep(redis, Platform.values()[set % platforms], (set / platforms) % shards, cursor).onComplete(next -> {
            running = false;
            cursor = next.succeeded() ? next.result() : "0";
            if ("0".equals(cursor)) {
                set = (set + 1) % (platforms * shards);
            }
        });
    }
}
