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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The live registry in Redis: for each subscriber with a live connection on a platform, which gateway processes hold
 * one, each with a lease ({@code live-lease.lua}), in one of {@code live.registryShards} hash tags. Per shard and
 * platform there are the subscribers' keys ({@link RedisKeys#liveRoute}: who holds them) and a set of the subscribers
 * that have one ({@link RedisKeys#liveOnline}). A process renews all its registrations with one script call per shard,
 * platform and {@value #MAX_KEYS_PER_CALL} keys.
 *
 * <p>A chunk's lookup ({@link #lookup}) first probes the sets, one {@code SMISMEMBER} per shard among the chunk's
 * subscribers: a set holds connected subscribers only, so it is small and its probe cheap (from about a twentieth of
 * the tray write it follows, sets of 100, to a sixth, sets of 10,000; a {@code MGET} of every member's own key in the
 * large key space costs a fifth: docs/PERFORMANCE.md). Only for the subscribers it finds does a second round trip read who holds them, one
 * {@code MGET} per shard among them. A subscriber nobody holds costs that probe and nothing else. A set may name a
 * subscriber whose key expired with its dead process's lease; the lookup finds the key gone and takes it out
 * ({@code live-prune.lua}), as does the sweep ({@link #sweep}) for those no chunk meets.
 */
final class LiveRegistry {
    private static final LuaScript LEASE = LuaScript.load(LiveRegistry.class, "live-lease.lua");
    private static final LuaScript PRUNE = LuaScript.load(LiveRegistry.class, "live-prune.lua");
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
        return lease(redis, subscriber.platform(), keys.liveShardOf(subscriber.platform(), subscriber.subscriberId()),
                List.of(subscriber.subscriberId()), leaseMillis);
    }

    /** Gives this process's registration for one subscriber up (best effort: the lease ends anyway). */
    Future<Void> release(Redis redis, Subscriber subscriber) {
        return lease(redis, subscriber.platform(), keys.liveShardOf(subscriber.platform(), subscriber.subscriberId()),
                List.of(subscriber.subscriberId()), 0);
    }

    /** Renews every registration of {@code subscribers}: a script call per shard, platform and 500 keys. */
    Future<Void> renew(Redis redis, Iterable<Subscriber> subscribers) {
        return leaseAll(redis, subscribers, leaseMillis);
    }

    /**
     * Gives every registration of {@code subscribers} up, as a process that stops does: the fan-out stops
     * publishing their pushes to it at once instead of until the lease ends.
     */
    Future<Void> releaseAll(Redis redis, Iterable<Subscriber> subscribers) {
        return leaseAll(redis, subscribers, 0);
    }

    private Future<Void> leaseAll(Redis redis, Iterable<Subscriber> subscribers, long lease) {
        Map<Platform, Map<Integer, List<String>>> byShard = new LinkedHashMap<>();
        for (Subscriber subscriber : subscribers) {
            byShard.computeIfAbsent(subscriber.platform(), platform -> new HashMap<>())
                    .computeIfAbsent(keys.liveShardOf(subscriber.platform(), subscriber.subscriberId()), s -> new ArrayList<>())
                    .add(subscriber.subscriberId());
        }
        List<Future<Void>> calls = new ArrayList<>();
        byShard.forEach((platform, shards) -> shards.forEach((shard, ids) -> {
            for (int from = 0; from < ids.size(); from += MAX_KEYS_PER_CALL) {
                calls.add(lease(redis, platform, shard, ids.subList(from, Math.min(ids.size(), from + MAX_KEYS_PER_CALL)),
                        lease));
            }
        }));
        return Future.all(calls).mapEmpty();
    }

    private Future<Void> lease(Redis redis, Platform platform, int shard, List<String> subscriberIds, long lease) {
        return LEASE.call(redis, request -> {
            request.arg(subscriberIds.size() + 1);
            subscriberIds.forEach(id -> request.arg(keys.liveRoute(platform, id)));
            request.arg(keys.liveOnline(platform, shard));
            request.arg(instance).arg(clockMillis.getAsLong()).arg(lease);
            subscriberIds.forEach(request::arg);
        }).mapEmpty();
    }

    /**
     * Which processes hold connections of which of {@code subscribers}: a probe of each shard's set among them (one
     * pipelined batch, split per master on a cluster), then, for the subscribers found only, a read of who holds them.
     * Entries whose lease ended (a process that died) are left out.
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
        List<Integer> shards = new ArrayList<>(byShard.keySet());
        List<Request> probes = new ArrayList<>(shards.size());
        for (int shard : shards) {
            Request probe = Request.cmd(Command.SMISMEMBER).arg(keys.liveOnline(platform, shard));
            byShard.get(shard).forEach(probe::arg);
            probes.add(probe);
        }
        return redis.batch(probes).compose(found -> {
            List<String> connected = new ArrayList<>();
            for (int s = 0; s < shards.size(); s++) {
                List<String> shard = byShard.get(shards.get(s));
                Response members = found.get(s);
                for (int i = 0; i < shard.size(); i++) {
                    if (members.get(i).toInteger() == 1) {
                        connected.add(shard.get(i));
                    }
                }
            }
            return connected.isEmpty() ? Future.succeededFuture(Map.of()) : holders(redis, keys, platform, connected, nowMillis);
        });
    }

    /** Reads who holds {@code connected} (one {@code MGET} per shard among them), and prunes those nobody holds any more. */
    private static Future<Map<String, List<String>>> holders(Redis redis, RedisKeys keys, Platform platform,
                                                             List<String> connected, long nowMillis) {
        Map<Integer, List<String>> byShard = new HashMap<>();
        connected.forEach(id -> byShard.computeIfAbsent(keys.liveShardOf(platform, id), shard -> new ArrayList<>()).add(id));
        List<Integer> shards = new ArrayList<>(byShard.keySet());
        List<Request> reads = new ArrayList<>(shards.size());
        for (int shard : shards) {
            Request read = Request.cmd(Command.MGET);
            byShard.get(shard).forEach(id -> read.arg(keys.liveRoute(platform, id)));
            reads.add(read);
        }
        return redis.batch(reads).map(values -> {
            Map<String, List<String>> byInstance = new HashMap<>();
            for (int s = 0; s < shards.size(); s++) {
                List<String> ids = byShard.get(shards.get(s));
                List<String> gone = new ArrayList<>();
                for (int i = 0; i < ids.size(); i++) {
                    Response value = values.get(s).get(i);
                    if (value == null || !addHolders(byInstance, value.toString(), ids.get(i), nowMillis)) {
                        gone.add(ids.get(i));
                    }
                }
                if (!gone.isEmpty()) {
                    prune(redis, keys, platform, shards.get(s), gone); // best effort: the next lookup tries again
                }
            }
            return byInstance;
        });
    }

    private static Future<Response> prune(Redis redis, RedisKeys keys, Platform platform, int shard, List<String> ids) {
        return PRUNE.call(redis, request -> {
            request.arg(ids.size() + 1);
            ids.forEach(id -> request.arg(keys.liveRoute(platform, id)));
            request.arg(keys.liveOnline(platform, shard));
            ids.forEach(request::arg);
        });
    }

    /**
     * One step of the sweep that keeps the sets to what the keys say: a {@code SSCAN} of one shard's set, and the
     * members whose key is gone taken out (subscribers of processes that died, which no chunk happened to meet).
     *
     * @param cursor where the previous step of this set stopped, {@code "0"} to start
     * @return where the next step starts, {@code "0"} once the set was walked
     */
    Future<String> sweep(Redis redis, Platform platform, int shard, String cursor) {
        String online = keys.liveOnline(platform, shard);
        return redis.send(Request.cmd(Command.SSCAN).arg(online).arg(cursor).arg("COUNT").arg(MAX_KEYS_PER_CALL))
                .compose(page -> {
                    List<String> members = new ArrayList<>();
                    page.get(1).forEach(member -> members.add(member.toString()));
                    if (members.isEmpty()) {
                        return Future.succeededFuture(page.get(0).toString());
                    }
                    return prune(redis, keys, platform, shard, members).map(pruned -> page.get(0).toString());
                });
    }

    /**
     * Adds {@code subscriber} under each instance of a registry value whose lease has not ended.
     *
     * @return whether any had not
     */
    static boolean addHolders(Map<String, List<String>> byInstance, String value, String subscriber, long nowMillis) {
        boolean any = false;
        int from = 0;
        while (from < value.length()) {
            int comma = value.indexOf(',', from);
            int end = comma < 0 ? value.length() : comma;
            int equals = value.lastIndexOf('=', end - 1);
            if (equals > from && parseOrZero(value, equals + 1, end) > nowMillis) {
                byInstance.computeIfAbsent(value.substring(from, equals), instance -> new ArrayList<>()).add(subscriber);
                any = true;
            }
            from = end + 1;
        }
        return any;
    }

    private static long parseOrZero(String text, int from, int to) {
        try {
            return Long.parseLong(text, from, to, 10);
        } catch (NumberFormatException notALease) {
            return 0; // written by live-lease.lua only; anything else counts as ended
        }
    }
}
