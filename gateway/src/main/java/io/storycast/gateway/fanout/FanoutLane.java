package io.storycast.gateway.fanout;

import io.storycast.gateway.live.LiveFeed;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * A lane of the fan-out: an event loop, a pipelined connection, the bound on the commands its batches may
 * hold unanswered on it, and the chunking that fills those batches. A worker has two: the express lane takes
 * every audience that fits in one chunk (and every story's other commands), the bulk lane takes the larger
 * ones, so a small story's batch never waits in a connection's queue behind a large fan-out's chunks. Redis
 * serves the two connections in turn, so the express lane's wait is a slice of a bulk batch at most.
 *
 * <p>The express lane runs on its worker's event loop. The bulk lane runs on an event loop of its own
 * ({@code context}): its chunk reads, batch building, RESP encoding, reply handling and live lookups never
 * queue a small story's callbacks behind them. Everything the lane holds (connection, permits, the chunk
 * loops of {@link TargetFanout}, its live feed) is confined to its context; the worker hands it work with
 * {@link #run}, and gets the answer back on its own context.
 *
 * @param context         where the lane's work runs: the worker's own context, or one of its own
 * @param home            the worker's context, where {@link #run} answers
 * @param redis           the lane's connection, used on {@code context} only
 * @param pendingCommands unanswered commands its batches may hold; a batch waits for permits for all its
 *                        commands, so the connection's queue never overflows
 * @param chunks          reads audience chunks over {@code redis}
 * @param live            told of every chunk written on this lane, on {@code context}
 * @param chunkSize       audience members per chunk, at least 1
 * @param chunksInFlight  chunk batches of one story and platform awaiting Redis at once, at least 1
 * @param priorityWork    the requests of the lane this one yields to that await Redis, readable from
 *                        {@code context}; a chunk batch of this lane is held back while it is above 0 (up to
 *                        {@link #MAX_YIELD_MILLIS}); 0 for the express lane
 */
record FanoutLane(Context context, Context home, Redis redis, Permits pendingCommands, AudienceChunks chunks,
                  LiveFeed live, int chunkSize, int chunksInFlight, IntSupplier priorityWork) {
    /** Longest a batch of this lane holds back for the lane it yields to, ms: bounds the starvation. */
    static final long MAX_YIELD_MILLIS = 20;

    FanoutLane {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(pendingCommands, "pendingCommands");
        Objects.requireNonNull(chunks, "chunks");
        Objects.requireNonNull(live, "live");
        Objects.requireNonNull(priorityWork, "priorityWork");
        if (chunkSize < 1 || chunksInFlight < 1) {
            throw new IllegalArgumentException("chunkSize and chunksInFlight must be at least 1, were "
                    + chunkSize + " and " + chunksInFlight);
        }
    }

    Vertx vertx() {
        return context.owner();
    }

    /**
     * Runs {@code work} on the lane's context and answers on {@code home}: at once for a lane that runs on its
     * worker's context; otherwise one task queued on each loop (so both queues are bounded by the targets in
     * flight: four per story at most, and the stories in flight are bounded). Call it on {@code home}.
     *
     * @param work starts the work and returns its answer; a throw fails the answer
     */
    <T> Future<T> run(Supplier<Future<T>> work) {
        if (context == home) {
            return work.get();
        }
        Promise<T> answer = Promise.promise();
        context.runOnContext(start -> {
            Future<T> done;
            try {
                done = work.get();
            } catch (RuntimeException e) {
                done = Future.failedFuture(e);
            }
            done.onComplete(result -> home.runOnContext(back -> answer.handle(result)));
        });
        return answer.future();
    }

    /**
     * Runs {@code send} once the lane this one yields to has nothing waiting for Redis, or after
     * {@link #MAX_YIELD_MILLIS} at most; at once for a lane that yields to none. Call it on {@code context}.
     */
    void whenPriorityWorkIdle(Runnable send) {
        whenPriorityWorkIdle(send, System.nanoTime());
    }

    private void whenPriorityWorkIdle(Runnable send, long sinceNanos) {
        if (priorityWork.getAsInt() == 0 || System.nanoTime() - sinceNanos >= MAX_YIELD_MILLIS * 1_000_000) {
            send.run();
        } else {
            context.owner().setTimer(1, tick -> whenPriorityWorkIdle(send, sinceNanos));
        }
    }
}
