package io.storycast.gateway.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A Redis server process on a loopback port, for the default run and for tests. It prefers a
 * {@code redis-server} found on {@code PATH} and otherwise uses the binary shipped in the
 * {@code embedded-redis} jar (Redis 6.2). It writes an append-only file into its data folder, so a
 * restart on the same folder keeps every acknowledged event.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final Path dataDir;
    private final String appendFsync;
    private final int port;
    private RedisServer server;

    private EmbeddedRedis(Path dataDir, String appendFsync, int port) {
        this.dataDir = dataDir;
        this.appendFsync = appendFsync;
        this.port = port;
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
        EmbeddedRedis redis = new EmbeddedRedis(Objects.requireNonNull(dataDir, "dataDir"),
                Objects.requireNonNull(appendFsync, "appendFsync"), port);
        redis.start();
        return redis;
    }

    /** @return the loopback port it listens on */
    public int port() {
        return port;
    }

    /** @return the URL to configure a client with */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the process again after {@link #stop()}, on the same port and data folder. */
    public synchronized void start() {
        if (server != null && server.isActive()) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            server = RedisServer.newRedisServer()
                    .executableProvider(executable())
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("dir " + dataDir.toAbsolutePath())
                    .setting("appendonly yes")
                    .setting("appendfsync " + appendFsync)
                    .setting("save \"\"")
                    // dedupe bucket hashes hold many fields: free them off the main thread when they expire
                    .setting("lazyfree-lazy-expire yes")
                    .setting("protected-mode yes")
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded Redis on port " + port, e);
        }
    }

    /** Stops the process (SIGTERM: Redis flushes its append-only file first). */
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

    @Override
    public void close() {
        stop();
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

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
