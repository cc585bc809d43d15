package io.storycast.gateway.redis;

/**
 * Redis server processes on this machine that the gateway (or a test) started and stops: one server
 * ({@link EmbeddedRedis}) or a cluster of them ({@link EmbeddedRedisCluster}).
 */
public interface LocalRedis extends AutoCloseable {
    /** @return what to configure {@code redis.url} with: one URL, or a cluster's seed URLs separated by commas */
    String url();

    /** Starts the processes again after {@link #stop()}, on the same ports and data, and waits until they serve. */
    void start();

    /** Stops the processes (SIGTERM: each flushes its append-only file first). */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
