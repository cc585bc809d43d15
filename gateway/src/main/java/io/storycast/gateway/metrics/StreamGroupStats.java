package io.storycast.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The fan-out consumer group of every story stream, from {@code XINFO GROUPS} and {@code XLEN} (one script per
 * stream, {@code stream-group-stats.lua}, so a cluster routes it by the stream's key), as gauges:
 * <ul>
 *   <li>{@code storycast_stream_pending{partition, group}}: entries delivered to a consumer and not yet
 *       acknowledged (stories being fanned out, or failed ones waiting for a retry);</li>
 *   <li>{@code storycast_stream_lag{partition, group}}: entries not yet delivered to any consumer. Redis 7
 *       reports it ({@code lag}); on Redis 6.2, which does not, it is estimated as {@code XLEN - pending},
 *       an upper bound that also counts acknowledged entries not trimmed yet (the claimer trims every
 *       {@code fanout.claimIntervalMillis}, below the oldest pending entry: an entry pending for long keeps
 *       every later one, so a lag that stays with pending above 0 is that entry, not unread stories).</li>
 * </ul>
 * A value is -1 until its first poll answers, and keeps its last value while Redis does not answer.
 * Polled on one event loop ({@link #poll()}), read by scrapes and {@link #json()} from any thread.
 */
final class StreamGroupStats {
    private static final LuaScript GROUP_STATS = LuaScript.load(StreamGroupStats.class, "stream-group-stats.lua");
    private final Redis redis;
    private final RedisKeys keys;
    private final AtomicLongArray lag;
    private final AtomicLongArray pending;
    /** When the last poll that answered for every partition ended, epoch milliseconds; 0 before the first. */
    private volatile long polledAtMillis;
    private boolean polling;

    StreamGroupStats(Redis redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.lag = new AtomicLongArray(keys.partitions());
        this.pending = new AtomicLongArray(keys.partitions());
        for (int partition = 0; partition < keys.partitions(); partition++) {
            lag.set(partition, -1);
            pending.set(partition, -1);
        }
    }

    void bindTo(MeterRegistry registry) {
        for (int partition = 0; partition < keys.partitions(); partition++) {
            int at = partition;
            Gauge.builder("storycast.stream.lag", lag, values -> values.get(at))
                    .description("stream entries not yet delivered to the consumer group (-1: not polled yet)")
                    .tag("partition", Integer.toString(partition)).tag("group", RedisKeys.FANOUT_GROUP)
                    .register(registry);
            Gauge.builder("storycast.stream.pending", pending, values -> values.get(at))
                    .description("stream entries delivered and not acknowledged (-1: not polled yet)")
                    .tag("partition", Integer.toString(partition)).tag("group", RedisKeys.FANOUT_GROUP)
                    .register(registry);
        }
    }

    /** One poll of every partition; none while the last one is still out. */
    Future<Void> poll() {
        if (polling) {
            return Future.succeededFuture();
        }
        polling = true;
        List<Future<Void>> partitions = new ArrayList<>(keys.partitions());
        for (int partition = 0; partition < keys.partitions(); partition++) {
            partitions.add(poll(partition));
        }
        return Future.join(partitions).<Void>mapEmpty().onComplete(done -> {
            polling = false;
            if (done.succeeded()) {
                polledAtMillis = System.currentTimeMillis();
            }
        });
    }

    /**
     * The gauges' values as {@code GET /v1/stats/streams} shows them: {@code {"polledAt": <ISO-8601 instant,
     * or null before the first poll>, "partitions": [{"partition", "group", "lag", "pending"}, ...]}}, lag and
     * pending in stream entries (-1: not polled yet). Reads only the last poll's numbers, so any thread may call it.
     */
    JsonObject json() {
        JsonArray partitions = new JsonArray();
        for (int partition = 0; partition < keys.partitions(); partition++) {
            partitions.add(new JsonObject()
                    .put("partition", partition)
                    .put("group", RedisKeys.FANOUT_GROUP)
                    .put("lag", lag.get(partition))
                    .put("pending", pending.get(partition)));
        }
        long polledAt = polledAtMillis;
        return new JsonObject()
                .put("polledAt", polledAt == 0 ? null : Instant.ofEpochMilli(polledAt).toString())
                .put("partitions", partitions);
    }

    private Future<Void> poll(int partition) {
        return GROUP_STATS.call(redis, request -> request.arg(1).arg(keys.storyStream(partition)).arg(RedisKeys.FANOUT_GROUP))
                .map(reply -> {
                    if (reply.size() == 3) {
                        long pendingEntries = reply.get(0).toLong();
                        long reportedLag = reply.get(1).toLong();
                        pending.set(partition, pendingEntries);
                        lag.set(partition, reportedLag >= 0 ? reportedLag
                                : Math.max(0, reply.get(2).toLong() - pendingEntries));
                    }
                    return null;
                });
    }
}
