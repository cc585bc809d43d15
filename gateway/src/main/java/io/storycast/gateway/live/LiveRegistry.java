package io.storycast.gateway.live;

import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The live registry in Redis: for each subscriber with a live connection on a platform, which gateway processes
 * hold one, each with a lease ({@code live-lease.lua}). A key per subscriber ({@link RedisKeys#liveRoute}), in one
 * of {@code live.registryShards} hash tags, so a chunk's subscribers are looked up with one {@code MGET} per shard
 * among them ({@link #lookup}) and a process renews all its registrations with one script call per shard (in
 * calls of at most {@value #MAX_KEYS_PER_CALL} keys). A subscriber nobody holds has no key: looking one up costs a
 * hash-table probe inside a chunk's {@code MGET}, nothing else.
 */
final class LiveRegistry {
    private static final LuaScript LEASE = LuaScript.load(LiveRegistry.class, "live-lease.lua");
    /** Most keys one script call renews: a call blocks Redis while it runs, so a large renewal goes in pieces. */
    static final int MAX_KEYS_PER_CALL = 500;

    private final RedisKeys keys;
    private final String instance;
    private final long leaseMillis;
    private final LongSupplier clockMillis;

    /**
     * @param instance    this process's instance id: {@code A-Z a-z 0-9 _ . : -} only
     * @param leaseMillis how long a registration lives unless renewed, ms, at least 1
     * @param clockMillis now, epoch ms
     */
    LiveRegistry(RedisKeys keys, String instance, long leaseMillis, LongSupplier clockMillis) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.instance = Objects.requireNonNull(instance, "instance");
        if (!instance.matches("[A-Za-z0-9_.:-]+")) {
            throw new IllegalArgumentException("an instance id holds A-Z a-z 0-9 _ . : - only, was " + instance);
        }
        this.leaseMillis = leaseMillis;
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /** A subscriber on a platform. */
    record Subscriber(Platform platform, String subscriberId) {
        Subscriber {
            Objects.requireNonNull(platform, "platform");
            Objects.requireNonNull(subscriberId, "subscriberId");
        }
    }

    /** Registers (or renews) this process for one subscriber; succeeds once Redis holds it. */
    Future<Void> register(Redis redis, Subscriber subscriber) {
        return lease(redis, List.of(keys.liveRoute(subscriber.platform(), subscriber.subscriberId())), leaseMillis);
    }

    /** Gives this process's registration for one subscriber up (best effort: the lease ends anyway). */
    Future<Void> release(Redis redis, Subscriber subscriber) {
        return lease(redis, List.of(keys.liveRoute(subscriber.platform(), subscriber.subscriberId())), 0);
    }

    /** Renews every registration of {@code subscribers}: one script call per shard and {@value #MAX_KEYS_PER_CALL} keys. */
    Future<Void> renew(Redis redis, Iterable<Subscriber> subscribers) {
        Map<Integer, List<String>> byShard = new TreeMap<>();
        for (Subscriber subscriber : subscribers) {
            byShard.computeIfAbsent(keys.liveShardOf(subscriber.platform(), subscriber.subscriberId()), shard -> new ArrayList<>())
                    .add(keys.liveRoute(subscriber.platform(), subscriber.subscriberId()));
        }
        List<Future<Void>> calls = new ArrayList<>();
        for (List<String> shard : byShard.values()) {
            for (int from = 0; from < shard.size(); from += MAX_KEYS_PER_CALL) {
                calls.add(lease(redis, shard.subList(from, Math.min(shard.size(), from + MAX_KEYS_PER_CALL)), leaseMillis));
            }
        }
        return Future.all(calls).mapEmpty();
    }

    private Future<Void> lease(Redis redis, List<String> routeKeys, long lease) {
        return LEASE.call(redis, request -> {
            request.arg(routeKeys.size());
            routeKeys.forEach(request::arg);
            request.arg(instance).arg(clockMillis.getAsLong()).arg(lease);
        }).mapEmpty();
    }

    /**
     * Which processes hold connections of which of {@code subscribers}: one {@code MGET} per shard among them, in
     * one pipelined batch (split per master on a cluster). Entries whose lease ended (a process that died) are left
     * out.
     *
     * @param nowMillis now, epoch ms
     * @return per instance id, the subscribers it holds connections of; empty when none is connected
     */
    static Future<Map<String, List<String>>> lookup(Redis redis, RedisKeys keys, Platform platform,
                                                    List<String> subscribers, long nowMillis) {
        Map<Integer, List<String>> byShard = new HashMap<>();
        for (String subscriber : subscribers) {
            byShard.computeIfAbsent(keys.liveShardOf(platform, subscriber), shard -> new ArrayList<>()).add(subscriber);
        }
        List<List<String>> shards = new ArrayList<>(byShard.values());
        List<Request> batch = new ArrayList<>(shards.size());
        for (List<String> shard : shards) {
            Request mget = Request.cmd(Command.MGET);
            shard.forEach(subscriber -> mget.arg(keys.liveRoute(platform, subscriber)));
            batch.add(mget);
        }
        return redis.batch(batch).map(replies -> {
            Map<String, List<String>> byInstance = new HashMap<>();
            for (int s = 0; s < shards.size(); s++) {
                Response values = replies.get(s);
                List<String> shard = shards.get(s);
                for (int i = 0; i < shard.size(); i++) {
                    Response value = values.get(i);
                    if (value != null) {
                        addHolders(byInstance, value.toString(), shard.get(i), nowMillis);
                    }
                }
            }
            return byInstance;
        });
    }

    /** Adds {@code subscriber} under each instance of a registry value whose lease has not ended. */
    static void addHolders(Map<String, List<String>> byInstance, String value, String subscriber, long nowMillis) {
        int from = 0;
        while (from < value.length()) {
            int comma = value.indexOf(',', from);
            int end = comma < 0 ? value.length() : comma;
            int equals = value.lastIndexOf('=', end - 1);
            if (equals > from) {
                long leaseEnds = parseOrZero(value, equals + 1, end);
                if (leaseEnds > nowMillis) {
                    byInstance.computeIfAbsent(value.substring(from, equals), instance -> new ArrayList<>()).add(subscriber);
                }
            }
            from = end + 1;
        }
    }

    private static long parseOrZero(String text, int from, int to) {
        try {
            return Long.parseLong(text, from, to, 10);
        } catch (NumberFormatException notALease) {
            return 0; // written by live-lease.lua only; anything else counts as ended
        }
    }
}
