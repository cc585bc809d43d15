package io.storycast.gateway.redis;

import io.storycast.gateway.metrics.StageRecorder;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One long-lived Redis connection that pipelines every command sent through it. The pooled client would
 * instead hold a connection per command in flight, so a burst of commands waits for connections instead
 * of riding one pipe.
 *
 * <p>Bounded, failing fast, and self-healing:
 * <ul>
 *   <li>when the connection already has {@code maxWaitingHandlers} commands unanswered, {@link #send}
 *       fails at once with {@link RedisBackpressureException};</li>
 *   <li>every command and every connect is bounded by the command timeout; a command that times out
 *       drops the connection (a stalled or silently dead link), so the next command opens a new one;</li>
 *   <li>after a failed connect, commands fail at once for {@code reconnectBackoffMillis} instead of each
 *       trying again; a connect that completes after its timeout is closed, not leaked.</li>
 * </ul>
 *
 * <p>On a Redis Cluster ({@code cluster} true) the connection is the cluster client's: one socket per
 * master, each command routed by its key's slot, and each batch split per node.
 *
 * <p>Not thread-safe: create and use it on one event loop (one per verticle).
 */
public final class PipelinedRedis implements Redis {
    private final Redis connector;
    private final long commandTimeoutMillis;
    private final long reconnectBackoffMillis;
    private final boolean cluster;
    private final StageRecorder roundTrips;

    private Future<RedisConnection> connection;
    /** In cluster mode, the answer of the latest batch: the next one completes after it. */
    private Future<List<Response>> latestClusterBatch;
    private long lastFailedConnectNanos;
    private boolean closed;

    /**
     * @param connector              makes connections (a client built by {@link RedisClients})
     * @param commandTimeoutMillis   longest wait for a connection or an answer, milliseconds, at least 1
     * @param reconnectBackoffMillis after a failed connect, how long commands fail without trying again
     */
    public PipelinedRedis(Redis connector, long commandTimeoutMillis, long reconnectBackoffMillis) {
        this(connector, commandTimeoutMillis, reconnectBackoffMillis, false);
    }

    /**
     * @param cluster whether {@code connector} is a Redis Cluster client: batches are then split per node
     *                ({@link ClusterBatches})
     */
    public PipelinedRedis(Redis connector, long commandTimeoutMillis, long reconnectBackoffMillis, boolean cluster) {
        this(connector, commandTimeoutMillis, reconnectBackoffMillis, cluster, null);
    }

    /**
     * @param roundTrips where the round trip of every command and batch is recorded (from its write on the open
     *                   connection to its answer or failure), or {@code null} for none
     */
    public PipelinedRedis(Redis connector, long commandTimeoutMillis, long reconnectBackoffMillis, boolean cluster,
                          StageRecorder roundTrips) {
        this.cluster = cluster;
        this.roundTrips = roundTrips;
        this.connector = Objects.requireNonNull(connector, "connector");
        if (commandTimeoutMillis < 1) {
            throw new IllegalArgumentException("commandTimeoutMillis must be at least 1, was " + commandTimeoutMillis);
        }
        this.commandTimeoutMillis = commandTimeoutMillis;
        this.reconnectBackoffMillis = reconnectBackoffMillis;
    }

    @Override
    public Future<RedisConnection> connect() {
        if (closed) {
            return Future.failedFuture(new IllegalStateException("the Redis client is closed"));
        }
        if (connection != null && !connection.failed()) {
            return connection;
        }
        if (connection != null && System.nanoTime() - lastFailedConnectNanos < TimeUnit.MILLISECONDS.toNanos(reconnectBackoffMillis)) {
            return connection; // the recent failure, answered again without a new attempt
        }
        Future<RedisConnection> connecting = connector.connect();
        Future<RedisConnection> attempt = connecting.timeout(commandTimeoutMillis, TimeUnit.MILLISECONDS);
        connection = attempt;
        attempt.onSuccess(opened -> {
            opened.exceptionHandler(failure -> forget(attempt));
            opened.endHandler(ended -> forget(attempt));
        }).onFailure(failure -> {
            lastFailedConnectNanos = System.nanoTime();
            connecting.onSuccess(RedisConnection::close); // it may still open after the timeout
        });
        return attempt;
    }

    @Override
    public Future<Response> send(Request request) {
        return connect().compose(opened -> opened.pendingQueueFull()
                ? Future.failedFuture(new RedisBackpressureException())
                : bounded(opened.send(request)));
    }

    /**
     * Sends the commands in one pipelined write. On a standalone server they run in order and batches
     * complete in the order sent. In cluster mode the batch is split per node and the nodes' parts run
     * independently, but batches still complete in the order sent (a batch's answer waits for the one
     * before), so a caller may take the latest completed batch as the newest written. A node's part that
     * meets a slot that moved is sent again to the slot's new master ({@link ClusterBatches}), so in cluster
     * mode a batch must be idempotent.
     */
    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        return connect().compose(opened -> {
            if (opened.pendingQueueFull()) {
                return Future.failedFuture(new RedisBackpressureException());
            }
            if (!cluster) {
                return bounded(opened.batch(requests));
            }
            Future<List<Response>> answer = bounded(ClusterBatches.send(connector, opened, requests));
            Future<List<Response>> before = latestClusterBatch;
            latestClusterBatch = before == null ? answer : before.transform(ignored -> answer);
            return latestClusterBatch;
        });
    }

    /** Bounds an answer by the command timeout; a timeout drops the connection it was sent on. */
    private <T> Future<T> bounded(Future<T> answer) {
        Future<RedisConnection> sentOn = connection;
        long sentNanos = roundTrips == null ? 0 : System.nanoTime();
        return answer.timeout(commandTimeoutMillis, TimeUnit.MILLISECONDS)
                .onComplete(done -> {
                    if (done.succeeded()) {
                        recordRoundTrip(sentNanos);
                    } else if (done.cause() instanceof TimeoutException) {
                        // The slowest round trips are the ones that matter: one cut off by the timeout counts as
                        // the timeout (it took at least that), or the percentiles would look best when Redis stalls.
                        recordTimedOutRoundTrip();
                        forget(sentOn);
                    }
                    // A Redis error answer or a dropped connection is left out: neither is a round trip's speed.
                });
    }

    /**
     * Drops a broken or stalled connection so the next command opens a new one. Only the current connection
     * is closed: one that is not current was closed when it stopped being so, and a cluster connection
     * reports the end of each of its node sockets, so one break may be reported several times.
     */
    private void recordRoundTrip(long sentNanos) {
        if (roundTrips != null) {
            roundTrips.recordSinceNanos(sentNanos);
        }
    }

    private void recordTimedOutRoundTrip() {
        if (roundTrips != null) {
            roundTrips.recordMicros(TimeUnit.MILLISECONDS.toMicros(commandTimeoutMillis));
        }
    }

    private void forget(Future<RedisConnection> broken) {
        if (broken == null || connection != broken) {
            return;
        }
        connection = null;
        broken.onSuccess(RedisConnection::close);
    }

    @Override
    public Future<Void> close() {
        closed = true;
        Future<RedisConnection> current = connection;
        connection = null;
        Future<Void> closing = current == null ? Future.succeededFuture()
                : current.transform(opened -> opened.succeeded() ? opened.result().close() : Future.succeededFuture());
        return closing.eventually(connector::close);
    }

    /** The connection has as many unanswered commands as it may hold; the caller should shed load. */
    public static final class RedisBackpressureException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RedisBackpressureException() {
            super("the Redis connection has redis.maxPendingCommandsPerConnection commands unanswered", null, false, false);
        }
    }
}
