package io.storycast.gateway.fanout;

import io.storycast.gateway.metrics.GatewayCounters;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The dead-letter stream of each partition: the stories the fan-out gave up on, each with the event as
 * it was stored, where it came from and why. An operator reads them through the admin API
 * ({@code GET /v1/admin/dead-letters}) and fixes the cause. A dead letter may be written twice when the worker dies between
 * writing it and acknowledging the entry.
 *
 * <p>Entry fields: {@code entry} (the story stream entry id), {@code index} (the event's line in it),
 * {@code event} (its JSON), {@code reason}, {@code deliveries} (how often the entry was delivered).
 */
public final class DeadLetters {
    /** Each partition's dead-letter stream keeps about this many of its newest entries. */
    public static final int MAX_LENGTH_PER_PARTITION = 100_000;

    private final Redis redis;
    private final RedisKeys keys;
    private final GatewayCounters counters;

    /** @param counters counts every dead letter written, by reason */
    public DeadLetters(Redis redis, RedisKeys keys, GatewayCounters counters) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /**
     * One dead letter.
     *
     * @param id         its id in the dead-letter stream: the cursor of a listing
     * @param entry      the story stream entry it came from
     * @param index      its line in that entry
     * @param event      the event's JSON as stored
     * @param reason     why the fan-out gave up
     * @param deliveries how often the entry had been delivered
     */
    public record DeadLetter(String id, String entry, int index, String event, String reason, long deliveries) {
    }

    /**
     * @param after the id of the last letter of the previous page, or {@code null} for the oldest
     * @param limit most letters, at least 1
     * @return the partition's dead letters after {@code after}, oldest first
     */
    public Future<List<DeadLetter>> list(int partition, String after, int limit) {
        return StoreUnavailableException.onFailure(redis.send(Request.cmd(Command.XRANGE).arg(keys.deadLetters(partition))
                        .arg(after == null ? "-" : "(" + after).arg("+").arg("COUNT").arg(limit)))
                .map(entries -> {
                    List<DeadLetter> letters = new ArrayList<>(entries.size());
                    for (Response entry : entries) {
                        Response fields = entry.get(1);
                        letters.add(new DeadLetter(entry.get(0).toString(), text(fields, "entry"),
                                Integer.parseInt(text(fields, "index")), text(fields, "event"), text(fields, "reason"),
                                Long.parseLong(text(fields, "deliveries"))));
                    }
                    return letters;
                });
    }

    /** @return the number of dead letters in each partition, by partition */
    public Future<List<Long>> counts() {
        List<Future<Response>> lengths = new ArrayList<>(keys.partitions());
        for (int partition = 0; partition < keys.partitions(); partition++) {
            lengths.add(redis.send(Request.cmd(Command.XLEN).arg(keys.deadLetters(partition))));
        }
        return StoreUnavailableException.onFailure(Future.all(lengths)).map(all -> {
            List<Long> counts = new ArrayList<>(lengths.size());
            for (int partition = 0; partition < lengths.size(); partition++) {
                counts.add(all.<Response>resultAt(partition).toLong());
            }
            return counts;
        });
    }

    private static String text(Response fields, String name) {
        Response value = fields.get(name);
        return value == null ? null : value.toString();
    }

    /** Adds one dead letter for the event on {@code line} of {@code entry}. */
    Future<Void> add(StreamEntry entry, int line, int offset, int length, String reason, long deliveries) {
        return redis.send(Request.cmd(Command.XADD).arg(keys.deadLetters(entry.partition()))
                        .arg("MAXLEN").arg("~").arg(MAX_LENGTH_PER_PARTITION).arg("*")
                        .arg("entry").arg(entry.id())
                        .arg("index").arg(line)
                        .arg("event").arg(new String(entry.events(), offset, length, StandardCharsets.UTF_8))
                        .arg("reason").arg(reason)
                        .arg("deliveries").arg(deliveries))
                .onSuccess(written -> counters.deadLettered(reason.startsWith("undecodable") ? "undecodable" : "gave-up"))
                .mapEmpty();
    }
}
