package io.storycast.gateway.testing;

import io.storycast.gateway.config.RedisConfig;
import io.storycast.gateway.redis.EmbeddedRedis;
import io.storycast.gateway.redis.EmbeddedRedisCluster;
import io.storycast.gateway.redis.LocalRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis for one test class, in a fresh temporary folder, plus a plain client to look at what the
 * gateway wrote. Close it in {@code @AfterAll}.
 *
 * <p>{@code new TestRedis()} starts a standalone server, or a 3-master Redis Cluster when the build runs the
 * tests with {@code -Dstorycast.test.redisMode=cluster} (the {@code cluster} Surefire execution runs the
 * fan-out, tray, audience and ingest tests so); {@link TestGateway} configures its gateways to match.
 */
public final class TestRedis implements AutoCloseable {
    /** The system property naming the Redis the tests run against: {@code standalone} (default) or {@code cluster}. */
    public static final String MODE_PROPERTY = "storycast.test.redisMode";
    /** Masters of a test cluster. */
    public static final int CLUSTER_MASTERS = 3;

    private final Path dataDir;
    private final boolean cluster;
    private final LocalRedis server;
    private final Vertx vertx = Vertx.vertx();
    private final Redis client;
    private final RedisAPI api;

    /** Starts the Redis this test run asks for ({@link #MODE_PROPERTY}). */
    public TestRedis() {
        this(RedisConfig.CLUSTER.equals(configuredMode()));
    }

    private TestRedis(boolean cluster) {
        try {
            dataDir = Files.createTempDirectory("storycast-test-redis");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.cluster = cluster;
        server = cluster ? EmbeddedRedisCluster.start(dataDir, "everysec", CLUSTER_MASTERS)
                : EmbeddedRedis.start(dataDir, "everysec");
        client = newClient(vertx);
        api = RedisAPI.api(client);
    }

    /** @return a standalone server, whatever the run asks for */
    public static TestRedis standalone() {
        return new TestRedis(false);
    }

    /** @return a Redis Cluster of {@link #CLUSTER_MASTERS} masters, whatever the run asks for */
    public static TestRedis cluster() {
        return new TestRedis(true);
    }

    /** @return {@code standalone} or {@code cluster}: the {@code redis.mode} of this run's gateways */
    public static String configuredMode() {
        return System.getProperty(MODE_PROPERTY, RedisConfig.STANDALONE);
    }

    /** @return the {@code redis.mode} a gateway on this Redis needs */
    public String mode() {
        return cluster ? RedisConfig.CLUSTER : RedisConfig.STANDALONE;
    }

    /** @return the URL, or a cluster's seed URLs separated by commas */
    public String url() {
        return server.url();
    }

    /** @return the server processes, to stop and start them again */
    public LocalRedis server() {
        return server;
    }

    /** @return a new client of the right kind (cluster or standalone) on {@code vertx}; the caller closes it */
    public Redis newClient(Vertx vertx) {
        RedisOptions options = new RedisOptions();
        if (cluster) {
            options.setType(RedisClientType.CLUSTER);
            RedisConfig.seedUrls(url()).forEach(options::addConnectionString);
        } else {
            options.setConnectionString(url());
        }
        return Redis.createClient(vertx, options);
    }

    /** @return the masters keys are spread over: {@link #CLUSTER_MASTERS} on a cluster, 1 on a standalone server */
    public int masters() {
        return cluster ? CLUSTER_MASTERS : 1;
    }

    /**
     * @return the master that holds {@code key}, 0 to {@link #masters()} - 1 in node order: the embedded
     *         cluster gives its masters equal slot ranges in that order; always 0 on a standalone server
     */
    public int masterOf(String key) {
        if (!cluster) {
            return 0;
        }
        long slot = await(api.cluster(List.of("KEYSLOT", key))).toLong();
        int master = CLUSTER_MASTERS - 1;
        while (slot < (long) master * EmbeddedRedisCluster.SLOTS / CLUSTER_MASTERS) {
            master--;
        }
        return master;
    }

    /**
     * Sends the commands as one pipelined batch per master (all of them at once to a standalone server), so
     * each master gets its share in one write, and waits for the answers (a cluster client refuses one batch
     * over several nodes). Each command must name one key.
     */
    public void batchPerMaster(List<Request> requests) {
        RedisConnection connection = await(client.connect());
        try {
            List<List<Request>> groups = cluster
                    ? List.copyOf(await(RedisCluster.create(connection).groupByNodes(requests)).getKeyed())
                    : List.of(requests);
            await(Future.all(groups.stream().map(connection::batch).toList()));
        } finally {
            connection.close();
        }
    }

    /** @return a client API for assertions; its calls may be awaited from the test thread */
    public RedisAPI api() {
        return api;
    }

    /** Awaits a Redis call from the test thread, failing the test after 10 s. */
    public static <T> T await(Future<T> future) {
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
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
