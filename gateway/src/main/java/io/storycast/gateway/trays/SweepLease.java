package io.storycast.gateway.trays;

import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.Objects;

/**
 * The lease that lets one gateway process at a time sweep trays ({@link TrayJanitor}): a string holding
 * its holder's name with an expiry ({@code SET NX PX}, in {@code sweep-lease.lua}). Its holder renews it at
 * every step; when the holder stops (stopped, killed, cut off from Redis), the lease runs out and the next
 * process to step takes it. A step longer than the lease lets a second process sweep meanwhile, which is
 * harmless (removing stories is idempotent), only wasted work. Stateless, so usable from any thread.
 */
public final class SweepLease {
    private static final LuaScript HOLD = LuaScript.load(SweepLease.class, "sweep-lease.lua");
    private static final LuaScript RELEASE = LuaScript.load(SweepLease.class, "sweep-lease-release.lua");

    private final Redis redis;
    private final String key;
    private final String holder;
    private final long leaseMillis;

    /**
     * @param redis       where the lease lives: the deployment's client (on a cluster, one routed by slot)
     * @param holder      this process's name, unique across processes (its fan-out consumer name)
     * @param leaseMillis how long the lease lasts unless renewed, milliseconds, at least 1
     */
    public SweepLease(Redis redis, RedisKeys keys, String holder, long leaseMillis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.key = Objects.requireNonNull(keys, "keys").sweepLease();
        this.holder = Objects.requireNonNull(holder, "holder");
        if (leaseMillis < 1) {
            throw new IllegalArgumentException("leaseMillis must be at least 1, was " + leaseMillis);
        }
        this.leaseMillis = leaseMillis;
    }

    /**
     * @return true when this process holds the lease now, for {@code leaseMillis} from now (taken, or
     *         renewed); false when another process holds it
     */
    public Future<Boolean> hold() {
        return HOLD.call(redis, request -> request.arg(1).arg(key).arg(holder).arg(leaseMillis))
                .map(held -> held.toInteger() == 1);
    }

    /**
     * Gives the lease up if this process holds it, so another process takes it at its next step instead of
     * when the lease runs out.
     */
    public Future<Void> release() {
        return RELEASE.call(redis, request -> request.arg(1).arg(key).arg(holder)).mapEmpty();
    }
}
