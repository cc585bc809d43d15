package io.storycast.gateway.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived Redis connection that pipelines every command sent through it, reconnecting on the next
 * command after it breaks. The pooled client would instead hold a connection per command in flight, so
 * a burst of commands waits for connections instead of riding one pipe.
 *
 * <p>Bounded and failing fast: when the connection already has {@code maxWaitingHandlers} commands
 * unanswered, {@link #send} fails at once with {@link RedisBackpressureException}; after a failed connect,
 * commands fail at once for {@code reconnectBackoffMillis} instead of each trying again.
 *
 * <p>Not thread-safe: create and use it on one event loop (one per verticle).
 */
public final class PipelinedRedis implements Redis {
    private final Redis connector;
    private final long connectTimeoutMillis;
    private final long reconnectBackoffMillis;

    private Future<RedisConnection> connection;
    private long lastFailedConnectNanos;
    private boolean closed;

    /**
     * @param connector              makes connections (a client built by {@link RedisClients})
     * @param connectTimeoutMillis   longest wait for a connection, milliseconds
     * @param reconnectBackoffMillis after a failed connect, how long commands fail without trying again
     */
    public PipelinedRedis(Redis connector, long connectTimeoutMillis, long reconnectBackoffMillis) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.connectTimeoutMillis = connectTimeoutMillis;
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
        Future<RedisConnection> attempt = connector.connect().timeout(connectTimeoutMillis, TimeUnit.MILLISECONDS);
        connection = attempt;
        attempt.onSuccess(opened -> {
            opened.exceptionHandler(failure -> forget(attempt, opened));
            opened.endHandler(ended -> forget(attempt, opened));
        }).onFailure(failure -> lastFailedConnectNanos = System.nanoTime());
        return attempt;
    }

    /** Drops a broken connection so the next command opens a new one. */
    private void forget(Future<RedisConnection> broken, RedisConnection opened) {
        if (connection == broken) {
            connection = null;
        }
        opened.close();
    }

    @Override
    public Future<Response> send(Request request) {
        return connect().compose(opened -> opened.pendingQueueFull()
                ? Future.failedFuture(new RedisBackpressureException())
                : opened.send(request));
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        return connect().compose(opened -> opened.pendingQueueFull()
                ? Future.failedFuture(new RedisBackpressureException())
                : opened.batch(requests));
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
