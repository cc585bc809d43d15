package io.storycast.gateway.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.core.RedisServerBuilder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Redis server process on a loopback port, for the default run and for tests. It prefers a
 * {@code redis-server} found on {@code PATH} and otherwise uses the binary shipped in the
 * {@code embedded-redis} jar (Redis 6.2). It writes an append-only file into its data folder, so a
 * restart on the same folder keeps every acknowledged event.
 */
public final class EmbeddedRedis implements LocalRedis {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
    /** The address the server binds: 127.0.0.1, whatever address family Java prefers. */
    private static final InetAddress LOOPBACK = ipv4Loopback();

    private final Path dataDir;
    private final String appendFsync;
    private final int port;
    private final List<String> extraSettings;
    private RedisServer server;

    private EmbeddedRedis(Path dataDir, String appendFsync, int port, List<String> extraSettings) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.appendFsync = Objects.requireNonNull(appendFsync, "appendFsync");
        this.port = port;
        this.extraSettings = List.copyOf(extraSettings);
    }

    /**
     * Starts a server on a free loopback port.
     *
     * @param dataDir     folder for the append-only file, created if missing
     * @param appendFsync {@code always}, {@code everysec} or {@code no}
     */
    public static EmbeddedRedis start(Path dataDir, String appendFsync) {
        return startOnPort(dataDir, appendFsync, freeLoopbackPort());
    }

    /** Starts a server on a given loopback port, e.g. to bring a stopped one back at the same address. */
    public static EmbeddedRedis startOnPort(Path dataDir, String appendFsync, int port) {
        EmbeddedRedis redis = new EmbeddedRedis(dataDir, appendFsync, port, List.of());
        redis.start();
        return redis;
    }

    /**
     * Starts a server in cluster mode, not yet part of a cluster ({@link EmbeddedRedisCluster} joins them).
     * Its cluster state ({@code nodes.conf}) lives in its data folder, so a restart on the same folder and
     * port rejoins the same cluster.
     *
     * @param nodeTimeoutMillis how long a node may be unreachable before the cluster counts it as failed
     */
    static EmbeddedRedis startClusterNode(Path dataDir, String appendFsync, int port, long nodeTimeoutMillis) {
        EmbeddedRedis redis = new EmbeddedRedis(dataDir, appendFsync, port, List.of(
                "cluster-enabled yes",
                "cluster-config-file nodes.conf",
                "cluster-node-timeout " + nodeTimeoutMillis));
        redis.start();
        return redis;
    }

    /** @return the loopback port it listens on */
    public int port() {
        return port;
    }

    @Override
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the process again after {@link #stop()}, on the same port and data folder. */
    @Override
    public synchronized void start() {
        if (server != null && server.isActive()) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            RedisServerBuilder builder = RedisServer.newRedisServer()
                    .executableProvider(executable())
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("dir " + dataDir.toAbsolutePath())
                    .setting("appendonly yes")
                    .setting("appendfsync " + appendFsync)
                    .setting("save \"\"")
                    // dedupe bucket hashes hold many fields: free them off the main thread when they expire
                    .setting("lazyfree-lazy-expire yes")
                    .setting("protected-mode yes");
            extraSettings.forEach(builder::setting);
            server = builder.build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded Redis on port " + port, e);
        }
    }

    /** Stops the process (SIGTERM: Redis flushes its append-only file first). */
    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            server = null;
        }
    }

    private static ExecutableProvider executable() throws IOException {
        Optional<File> onPath = findOnPath("redis-server");
        if (onPath.isPresent()) {
            LOG.debug("using {} for the embedded Redis", onPath.get());
            return onPath::get;
        }
        return ExecutableProvider.newJarResourceProvider();
    }

    /**
     * @param name a program's file name, e.g. {@code redis-server}
     * @return the first executable of that name in a folder of {@code PATH}, if any
     */
    public static Optional<File> findOnPath(String name) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(folder, name);
            if (candidate.canExecute()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a port free on 127.0.0.1 now (the server binds that address), chosen by the system */
    static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return whether {@code port} can be bound on 127.0.0.1 now */
    static boolean loopbackPortFree(int port) {
        try {
            new ServerSocket(port, 1, LOOPBACK).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
