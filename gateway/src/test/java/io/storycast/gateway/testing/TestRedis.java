package io.storycast.gateway.testing;

import io.storycast.gateway.redis.EmbeddedRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis server for one test class, in a fresh temporary folder, plus a plain client to look at what
 * the gateway wrote. Close it in {@code @AfterAll}.
 */
public final class TestRedis implements AutoCloseable {
    private final Path dataDir;
    private final EmbeddedRedis server;
    private final Vertx vertx = Vertx.vertx();
    private final Redis client;
    private final RedisAPI api;

    public TestRedis() {
        try {
            dataDir = Files.createTempDirectory("storycast-test-redis");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = EmbeddedRedis.start(dataDir, "everysec");
        client = Redis.createClient(vertx, server.url());
        api = RedisAPI.api(client);
    }

    public String url() {
        return server.url();
    }

    public EmbeddedRedis server() {
        return server;
    }

    /** @return a client API for assertions; its calls may be awaited from the test thread */
    public RedisAPI api() {
        return api;
    }

    /** Awaits a Redis call from the test thread, failing the test after 10 s. */
    public static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("Redis call failed: " + e, e);
        }
    }

    @Override
    public void close() {
        client.close();
        vertx.close().await();
        server.stop();
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
