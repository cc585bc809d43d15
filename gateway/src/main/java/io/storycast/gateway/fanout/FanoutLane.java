package io.storycast.gateway.fanout;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * A lane of the fan-out: a pipelined connection, the bound on the commands its batches may hold unanswered
 * on it, and the chunking that fills those batches. A worker has two: the express lane takes every
 * audience that fits in one chunk (and every story's other commands), the bulk lane takes the larger
 * ones, so a small story's batch never waits in a connection's queue behind a large fan-out's chunks.
 * Redis serves the two connections in turn, so the express lane's wait is a slice of a bulk batch at
 * most.
 *
 * @param redis           the lane's connection
 * @param pendingCommands unanswered commands its batches may hold; a batch waits for permits for all its
 *                        commands, so the connection's queue never overflows
 * @param chunks          reads audience chunks over {@code redis}
 * @param chunkSize       audience members per chunk, at least 1
 * @param chunksInFlight  chunk batches of one story and platform awaiting Redis at once, at least 1
 * @param vertx           for the timer that re-checks the lane this one yields to
 * @param priorityWork    the requests of the lane this one yields to that await Redis; a chunk batch of this
 *                        lane is held back while it is above 0 (up to {@link #MAX_YIELD_MILLIS}); 0 for
 *                        the express lane
 */
record FanoutLane(Redis redis, Permits pendingCommands, AudienceChunks chunks, int chunkSize, int chunksInFlight,
                  Vertx vertx, IntSupplier priorityWork) {
    /** Longest a batch of this lane holds back for the lane it yields to, ms: bounds the starvation. */
    static final long MAX_YIELD_MILLIS = 20;

    FanoutLane {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(pendingCommands, "pendingCommands");
        Objects.requireNonNull(chunks, "chunks");
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(priorityWork, "priorityWork");
    }

    /**
     * Runs {@code send} once the lane this one yields to has nothing waiting for Redis, or after
     * {@link #MAX_YIELD_MILLIS} at most; at once for a lane that yields to none.
     */
    void whenPriorityWorkIdle(Runnable send) {
        whenPriorityWorkIdle(send, System.nanoTime());
    }

    private void whenPriorityWorkIdle(Runnable send, long sinceNanos) {
        if (priorityWork.getAsInt() == 0 || System.nanoTime() - sinceNanos >= MAX_YIELD_MILLIS * 1_000_000) {
            send.run();
        } else {
            vertx.setTimer(1, tick -> whenPriorityWorkIdle(send, sinceNanos));
        }
    }
}
