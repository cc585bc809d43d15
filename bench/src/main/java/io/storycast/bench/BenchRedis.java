package io.storycast.bench;

import io.storycast.gateway.redis.EmbeddedRedis;
import io.storycast.gateway.redis.EmbeddedRedisCluster;
import io.storycast.gateway.redis.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The Redis of one benchmark or comparison: the gateway's own embedded Redis ({@link EmbeddedRedis}: the append-only
 * file on, fsync every second, as the gateway runs by default), or its embedded Redis Cluster of
 * {@code masters} masters ({@link EmbeddedRedisCluster}), in a temporary folder of its own that {@link #close()}
 * deletes. Automatic AOF rewrites are turned off on every node: a rewrite forks a child that takes a core away from
 * whichever phase it lands in (the append-only file itself stays on). Redis's own counters are read through
 * {@link RedisCounters}, over {@link #nodeUrls()}.
 *
 * <p>The embedded-redis library stops a server it started when the JVM exits (Ctrl-C included); the folder is left
 * then. {@link #start}, {@link #configSet} and {@link #close} block: call them from a plain thread (a main, a JMH
 * setup), never from an event loop.
 */
final class BenchRedis implements AutoCloseable {
    private final TempFolder folder;
    private final LocalRedis server;
    private final List<String> nodeUrls;
    private final int port;

    private BenchRedis(TempFolder folder, LocalRedis server, List<String> nodeUrls, int port) {
        this.folder = Objects.requireNonNull(folder, "folder");
        this.server = Objects.requireNonNull(server, "server");
        this.nodeUrls = List.copyOf(nodeUrls);
        this.port = port;
    }

    /**
     * Starts one Redis server on a free loopback port.
     *
     * @param name the start of its temporary folder's name, e.g. {@code storycast-fanout-redis}
     */
    static BenchRedis start(String name) {
        TempFolder folder = TempFolder.create(name);
        try {
            EmbeddedRedis server = EmbeddedRedis.start(folder.path(), "everysec");
            return configured(new BenchRedis(folder, server, List.of(server.url()), server.port()));
        } catch (RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    /**
     * Starts a Redis Cluster on free loopback ports and waits until it serves every slot.
     *
     * @param masters its masters, 1 to 16
     */
    static BenchRedis startCluster(String name, int masters) {
        TempFolder folder = TempFolder.create(name);
        try {
            EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(folder.resolve("cluster"), "everysec", masters);
            List<String> nodes = cluster.nodeUrls();
            return configured(new BenchRedis(folder, cluster, nodes, java.net.URI.create(nodes.get(0)).getPort()));
        } catch (RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    private static BenchRedis configured(BenchRedis redis) {
        try {
            redis.configSet("auto-aof-rewrite-percentage", "0");
            return redis;
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    /** @return what to configure a client or the gateway's {@code redis.url} with: one URL, or a cluster's seeds separated by commas */
    String url() {
        return server.url();
    }

    /** @return every node's URL: the one server's, or each master's */
    List<String> nodeUrls() {
        return nodeUrls;
    }

    /** @return the loopback port of the server, or of a cluster's first master (for {@code redis-benchmark}) */
    int port() {
        return port;
    }

    /** Sets a server setting on every node ({@code CONFIG SET name value}), e.g. {@code appendonly no} for one run. */
    void configSet(String name, String value) {
        Vertx vertx = Vertx.vertx();
        try {
            for (String node : nodeUrls) {
                Redis client = Redis.createClient(vertx, node);
                client.send(Request.cmd(Command.CONFIG).arg("SET").arg(name).arg(value)).await(10, TimeUnit.SECONDS);
                client.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("CONFIG SET " + name + " " + value + " failed: " + e, e);
        } finally {
            vertx.close().await();
        }
    }

    /** Stops every node (SIGTERM: each flushes its append-only file) and deletes the folder. */
    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            folder.close();
        }
    }
}
