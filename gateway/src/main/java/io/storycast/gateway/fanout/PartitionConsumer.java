package io.storycast.gateway.fanout;

import io.storycast.gateway.config.FanoutConfig;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoryStreams;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads new entries of one partition's stream in the fan-out consumer group and hands them to the worker.
 * The read blocks in Redis (up to {@code fanout.blockMillis}) on a connection of its own, so an idle
 * stream costs a few commands a second and a new entry is read at once. Backpressure: the next read
 * waits until every story of the last read has a slot, so a busy worker leaves new entries in the stream
 * (where another process may read them) instead of queueing them in memory.
 *
 * <p>Not thread-safe: runs on its worker's event loop.
 */
final class PartitionConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionConsumer.class);
    private static final long MAX_RETRY_DELAY_MILLIS = 1000;

    private final Vertx vertx;
    private final int partition;
    private final Redis readConnection;
    private final StoryStreams streams;
    private final FanoutWorker worker;
    private final Request read;
    private boolean stopped;
    private long retryDelayMillis;

    /**
     * @param readConnection a connection for this consumer alone: a blocked read holds it
     * @param consumer       this consumer's name in the group
     */
    PartitionConsumer(Vertx vertx, int partition, Redis readConnection, StoryStreams streams, RedisKeys keys,
                      FanoutWorker worker, FanoutConfig config, String consumer) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.partition = partition;
        this.readConnection = Objects.requireNonNull(readConnection, "readConnection");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.read = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(RedisKeys.FANOUT_GROUP).arg(consumer)
                .arg("COUNT").arg(config.readCount()).arg("BLOCK").arg(config.blockMillis())
                .arg("STREAMS").arg(keys.storyStream(partition)).arg(">");
    }

    void start() {
        readMore();
    }

    /** Stops reading; entries already read finish through the worker. */
    void stop() {
        stopped = true;
    }

    private void readMore() {
        if (stopped) {
            return;
        }
        if (worker.storySlots().available() == 0) {
            // Take a slot only as a signal that one is free, and give it back at once.
            worker.storySlots().whenAvailable(1, () -> {
                worker.storySlots().release(1);
                readMore();
            });
            return;
        }
        readConnection.send(read).onComplete(reply -> {
            if (reply.failed()) {
                retryAfterFailure(reply.cause());
                return;
            }
            retryDelayMillis = 0;
            List<Future<Void>> started = new ArrayList<>();
            List<String> deleted = new ArrayList<>();
            if (reply.result() != null) {
                for (Response stream : reply.result()) {
                    for (StreamEntry entry : StreamEntry.parse(partition, stream.get(1), deleted)) {
                        started.add(worker.process(entry, 1));
                    }
                }
            }
            deleted.forEach(id -> worker.acknowledge(partition, id));
            Future.all(started).onComplete(all -> readMore());
        });
    }

    private void retryAfterFailure(Throwable failure) {
        if (stopped) {
            return; // the read was cut short by the shutdown closing its connection
        }
        String message = String.valueOf(failure.getMessage());
        if (retryDelayMillis == 0) {
            LOG.warn("fan-out cannot read partition {}: {}; retrying", partition, message);
        }
        retryDelayMillis = Math.min(MAX_RETRY_DELAY_MILLIS, Math.max(10, 2 * retryDelayMillis));
        // A stream lost with Redis's data comes back without its group: create both again.
        Future<Void> repaired = message.startsWith("NOGROUP") ? streams.ensureCreated() : Future.succeededFuture();
        repaired.onComplete(done -> vertx.setTimer(retryDelayMillis, timer -> readMore()));
    }
}
