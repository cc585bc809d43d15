package io.storycast.gateway.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Creates the story streams and their fan-out consumer group, and checks they are there. The group is
 * created at start-up, reading from the first entry, so no accepted event can predate it and be skipped
 * when the fan-out workers start later.
 */
public final class StoryStreams {
    private final PipelinedRedis redis;
    private final RedisKeys keys;

    /** @param redis a pipelined connection, which bounds every call by the command timeout */
    public StoryStreams(PipelinedRedis redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * Creates every partition's stream and fan-out group when missing, reading from the first entry (one
     * call per partition, so it also works where the streams live in different cluster slots). Idempotent,
     * so it is also the readiness check: it succeeds when Redis answers and every stream has its group,
     * and gives back the group of a stream that was lost or re-created without it by an append.
     */
    public Future<Void> ensureCreated() {
        List<Future<?>> calls = new ArrayList<>(keys.partitions());
        for (int partition = 0; partition < keys.partitions(); partition++) {
            Request create = Request.cmd(Command.XGROUP).arg("CREATE").arg(keys.storyStream(partition))
                    .arg(RedisKeys.FANOUT_GROUP).arg("0").arg("MKSTREAM");
            calls.add(redis.send(create).recover(failure -> failure.getMessage() != null
                    && failure.getMessage().startsWith("BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(failure)));
        }
        return Future.all(calls).mapEmpty();
    }
}
