package io.storycast.gateway.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Creates the story streams and their fan-out consumer group, and checks they are there. The group is
 * created at start-up, reading from the first entry, so no accepted event can predate it and be skipped
 * when the fan-out workers start later.
 */
public final class StoryStreams {
    private final Redis redis;
    private final RedisKeys keys;
    private final long timeoutMillis;

    public StoryStreams(Redis redis, RedisKeys keys, long timeoutMillis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Creates every partition's stream and group when missing (one call per partition, so it also works
     * where the streams live in different cluster slots).
     */
    public Future<Void> ensureCreated() {
        List<Future<?>> calls = new ArrayList<>(keys.partitions());
        for (int partition = 0; partition < keys.partitions(); partition++) {
            Request create = Request.cmd(Command.XGROUP).arg("CREATE").arg(keys.storyStream(partition))
                    .arg(RedisKeys.FANOUT_GROUP).arg("0").arg("MKSTREAM");
            calls.add(redis.send(create).recover(failure -> failure.getMessage() != null
                    && failure.getMessage().startsWith("BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(failure)));
        }
        return Future.all(calls).timeout(timeoutMillis, TimeUnit.MILLISECONDS).mapEmpty();
    }

    /**
     * Ready means Redis answers and every stream has its fan-out group. The check is the creation itself
     * (idempotent), so a stream that was lost, or re-created without its group by an append, gets its
     * group back, reading from the first entry.
     */
    public Future<Void> checkReady() {
        return ensureCreated();
    }
}
