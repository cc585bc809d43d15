package io.storycast.gateway.config;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

/**
 * The Redis (or Valkey) server the gateway keeps its streams and keys in.
 *
 * @param mode                            {@code standalone} (one server, or a primary) or {@code cluster} (a Redis
 *                                        Cluster: commands are routed by hash slot and pipelined batches are
 *                                        split per node); default {@code standalone}
 * @param url                             {@code redis://[user:password@]host:port[/db]}; in cluster mode one or
 *                                        more seed nodes separated by commas (no {@code /db}); {@code null}
 *                                        starts an embedded Redis on free loopback ports (in cluster mode a
 *                                        cluster of {@code embedded.clusterMasters} masters); default {@code null}
 * @param keyPrefix                       first segment of every key, so several deployments can share a server;
 *                                        default {@code storycast}
 * @param maxPendingCommandsPerConnection commands sent and not yet answered on the one pipelined connection
 *                                        of an event loop, 1 to 100000; past it a command fails at once and
 *                                        ingest answers 503; default 2048
 * @param commandTimeoutMillis            longest wait for a Redis answer (and for a connect) in milliseconds,
 *                                        10 to 60000; past it ingest answers 503; default 1000
 * @param embedded                        the embedded server, used only when {@code url} is {@code null}
 */
public record RedisConfig(
        String mode,
        String url,
        String keyPrefix,
        int maxPendingCommandsPerConnection,
        int commandTimeoutMillis,
        EmbeddedRedisConfig embedded) {

    /** The value of {@code mode} for a single server. */
    public static final String STANDALONE = "standalone";
    /** The value of {@code mode} for a Redis Cluster. */
    public static final String CLUSTER = "cluster";

    /** @return true for a Redis Cluster */
    public boolean cluster() {
        return CLUSTER.equals(mode);
    }

    /**
     * @param url a configured URL: one, or in cluster mode several separated by commas
     * @return the URLs it names, in order
     */
    public static List<String> seedUrls(String url) {
        return Arrays.stream(url.split(",")).map(String::trim).filter(seed -> !seed.isEmpty()).toList();
    }

    void validate() {
        ConfigException.require(STANDALONE.equals(mode) || CLUSTER.equals(mode),
                "redis.mode", "must be standalone or cluster, was '" + mode + "'");
        if (url != null) {
            List<String> seeds = seedUrls(url);
            ConfigException.require(!seeds.isEmpty(), "redis.url", "names no server: '" + url + "'");
            ConfigException.require(seeds.size() == 1 || cluster(), "redis.url",
                    "names several servers, which only redis.mode cluster allows: '" + url + "'");
            seeds.forEach(seed -> validateUrl(seed, cluster()));
        }
        ConfigException.require(keyPrefix != null && keyPrefix.matches("[A-Za-z0-9_.-]{1,64}"),
                "redis.keyPrefix", "must be 1 to 64 of A-Z a-z 0-9 _ . -");
        ConfigException.requireRange(maxPendingCommandsPerConnection, 1, 100_000, "redis.maxPendingCommandsPerConnection");
        ConfigException.requireRange(commandTimeoutMillis, 10, 60_000, "redis.commandTimeoutMillis");
        ConfigException.require(embedded != null, "redis.embedded", "is required");
        embedded.validate();
    }

    private static void validateUrl(String url, boolean cluster) {
        try {
            URI uri = new URI(url);
            ConfigException.require("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()),
                    "redis.url", "must start with redis:// or rediss://, was '" + url + "'");
            ConfigException.require(uri.getHost() != null, "redis.url", "has no host: '" + url + "'");
            String path = uri.getPath() == null ? "" : uri.getPath();
            ConfigException.require(!cluster || path.isEmpty() || "/".equals(path) || "/0".equals(path), "redis.url",
                    "selects a database, which a Redis Cluster does not have: '" + url + "'");
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException("redis.url", "is not a URL: " + e.getMessage());
        }
    }

    /**
     * The embedded Redis started when no URL is configured.
     *
     * @param dataDir     folder for the append-only file, created if missing; relative to the working
     *                    directory; default {@code storycast-data/redis}
     * @param appendFsync {@code always}, {@code everysec} or {@code no}: how often the append-only file is
     *                    fsynced; {@code everysec} survives a process crash, {@code always} also a power
     *                    loss; default {@code everysec}
     * @param clusterMasters in cluster mode, the number of master processes the embedded cluster has, each
     *                    serving an equal share of the 16384 hash slots (no replicas), 1 to 16; default 3
     */
    public record EmbeddedRedisConfig(String dataDir, String appendFsync, int clusterMasters) {
        /** @throws ConfigException naming the key of the first value out of its range */
        public void validate() {
            ConfigException.requireRange(clusterMasters, 1, 16, "redis.embedded.clusterMasters");
            ConfigException.require(dataDir != null && !dataDir.isBlank(), "redis.embedded.dataDir", "must be a folder");
            ConfigException.require("always".equals(appendFsync) || "everysec".equals(appendFsync) || "no".equals(appendFsync),
                    "redis.embedded.appendFsync", "must be always, everysec or no, was '" + appendFsync + "'");
        }
    }
}
