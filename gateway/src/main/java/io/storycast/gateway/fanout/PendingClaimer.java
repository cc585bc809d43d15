package io.storycast.gateway.fanout;

import io.storycast.gateway.config.FanoutConfig;
import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every {@code fanout.claimIntervalMillis}, for each partition of its worker:
 * <ol>
 *   <li>tells Redis the worker still holds the entries it works on ({@code XCLAIM ... JUSTID}, which resets
 *       their idle time without counting a delivery), so a long fan-out is not taken over while alive;</li>
 *   <li>takes over entries idle for {@code fanout.claimIdleMillis} ({@code claim-idle.lua}: {@code XAUTOCLAIM}
 *       and {@code XCLAIM}): those of a consumer that died, and this worker's own failed ones, which are retried
 *       this way; an entry deleted from the stream while pending (by hand: the fan-out's trim never does it) is
 *       acknowledged and logged, where Redis 6.2's plain {@code XAUTOCLAIM} would keep it pending for good;</li>
 *   <li>gives up on an entry delivered more than {@code fanout.maxDeliveries} times (the count comes from
 *       {@code XPENDING}): its unfinished stories go to the dead-letter stream;</li>
 *   <li>trims the stream of the entries every consumer is done with: those before both the oldest pending
 *       entry and the group's last delivered one ({@code XTRIM MINID}), so a stream holds only work in
 *       progress and work not yet read. The look and the trim are one script ({@code trim-acknowledged.lua}):
 *       sent apart, a read served between them delivered an entry that the trim then deleted while pending. Exact rather than approximate ({@code ~}) trimming, which would leave
 *       up to a whole stream node (100 entries) behind; it runs once per interval, so its cost is small;</li>
 *   <li>removes the group's consumers that are gone ({@link DeadConsumers}: nothing pending, idle for
 *       {@code fanout.deadConsumerIdleMillis}), unless that is 0.</li>
 * </ol>
 *
 * <p>Not thread-safe: runs on its worker's event loop.
 */
final class PendingClaimer {
    private static final Logger LOG = LoggerFactory.getLogger(PendingClaimer.class);
    private static final String START = "0-0";
    private static final LuaScript CLAIM_IDLE = LuaScript.load(PendingClaimer.class, "claim-idle.lua");
    private static final LuaScript TRIM_ACKNOWLEDGED = LuaScript.load(PendingClaimer.class, "trim-acknowledged.lua");

    private final Redis redis;
    private final RedisKeys keys;
    private final FanoutWorker worker;
    private final FanoutConfig config;
    private final String consumer;
    private final int[] partitions;
    private final String[] cursors;
    /** Null when {@code fanout.deadConsumerIdleMillis} is 0: every consumer is kept. */
    private final DeadConsumers deadConsumers;
    private boolean passing;

    PendingClaimer(Redis redis, RedisKeys keys, FanoutWorker worker, FanoutConfig config, String consumer, int[] partitions) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.config = Objects.requireNonNull(config, "config");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.partitions = partitions.clone();
        this.cursors = new String[partitions.length];
        Arrays.fill(cursors, START);
        this.deadConsumers = config.deadConsumerIdleMillis() == 0 ? null
                : new DeadConsumers(redis, keys, consumer, config.deadConsumerIdleMillis());
    }

    /** One pass over the partitions, one after another; none while the last one is still running. */
    Future<Void> claimOnce() {
        if (passing) {
            return Future.succeededFuture();
        }
        passing = true;
        Future<Void> pass = Future.succeededFuture();
        for (int i = 0; i < partitions.length; i++) {
            int at = i;
            pass = pass.compose(done -> holdInFlight(partitions[at]))
                    .compose(done -> claim(at))
                    .compose(done -> trim(partitions[at]))
                    .compose(done -> removeDeadConsumers(partitions[at]))
                    .recover(failure -> {
                        LOG.debug("claiming on partition {} failed: {}", partitions[at], failure.toString());
                        return Future.succeededFuture();
                    });
        }
        return pass.onComplete(done -> passing = false);
    }

    private Future<Void> holdInFlight(int partition) {
        List<String> ids = worker.entriesInFlight(partition);
        if (ids.isEmpty()) {
            return Future.succeededFuture();
        }
        Request hold = Request.cmd(Command.XCLAIM).arg(keys.storyStream(partition)).arg(RedisKeys.FANOUT_GROUP)
                .arg(consumer).arg(0);
        ids.forEach(hold::arg);
        return redis.send(hold.arg("JUSTID")).mapEmpty();
    }

    private Future<Void> claim(int at) {
        if (worker.storySlots().available() == 0) {
            return Future.succeededFuture();
        }
        int partition = partitions[at];
        String stream = keys.storyStream(partition);
        return CLAIM_IDLE.call(redis, request -> request.arg(1).arg(stream).arg(RedisKeys.FANOUT_GROUP).arg(consumer)
                        .arg(config.claimIdleMillis()).arg(cursors[at]).arg(config.readCount()))
                .compose(reply -> {
                    cursors[at] = reply.get(0).toString();
                    List<String> deleted = new ArrayList<>();
                    List<StreamEntry> entries = new ArrayList<>();
                    for (StreamEntry entry : StreamEntry.parse(partition, reply.get(1), deleted)) {
                        if (!worker.isInFlight(entry)) {
                            entries.add(entry);
                        }
                    }
                    deleted.forEach(id -> worker.acknowledge(partition, id));
                    reply.get(2).forEach(id -> LOG.error("entry {} of partition {} was deleted from its stream while "
                            + "pending: its stories cannot be fanned out; acknowledged", id, partition));
                    return entries.isEmpty() ? Future.succeededFuture() : deliveries(stream, entries)
                            .map(counts -> {
                                for (StreamEntry entry : entries) {
                                    long deliveries = counts.getOrDefault(entry.id(), 1L);
                                    LOG.info("took over entry {} of partition {} (delivery {})", entry.id(), partition, deliveries);
                                    if (deliveries > config.maxDeliveries()) {
                                        worker.giveUp(entry, deliveries);
                                    } else {
                                        worker.process(entry, deliveries);
                                    }
                                }
                                return null;
                            });
                });
    }

    private Future<Void> trim(int partition) {
        return TRIM_ACKNOWLEDGED.call(redis, request -> request.arg(1).arg(keys.storyStream(partition))
                .arg(RedisKeys.FANOUT_GROUP)).mapEmpty();
    }

    private Future<Void> removeDeadConsumers(int partition) {
        if (deadConsumers == null) {
            return Future.succeededFuture();
        }
        return deadConsumers.remove(partition).map(removed -> {
            if (!removed.isEmpty()) {
                LOG.info("removed consumers {} of partition {}: nothing pending, idle for {} ms or more", removed,
                        partition, config.deadConsumerIdleMillis());
            }
            return null;
        });
    }

    /** @return how often each entry has been delivered, from the group's pending list */
    private Future<Map<String, Long>> deliveries(String stream, List<StreamEntry> entries) {
        return redis.send(Request.cmd(Command.XPENDING).arg(stream).arg(RedisKeys.FANOUT_GROUP)
                        .arg(entries.get(0).id()).arg(entries.get(entries.size() - 1).id())
                        .arg(entries.size()).arg(consumer))
                .map(reply -> {
                    Map<String, Long> counts = new HashMap<>();
                    for (Response pending : reply) {
                        counts.put(pending.get(0).toString(), pending.get(3).toLong());
                    }
                    return counts;
                });
    }
}
