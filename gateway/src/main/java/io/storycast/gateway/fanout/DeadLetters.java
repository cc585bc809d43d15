package io.storycast.gateway.fanout;

import io.storycast.gateway.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The dead-letter stream of each partition: the stories the fan-out gave up on, each with the event as
 * it was stored, where it came from and why. An operator reads them through the admin API, fixes the
 * cause and posts the event again. A dead letter may be written twice when the worker dies between
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

    public DeadLetters(Redis redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
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
                .mapEmpty();
    }
}
