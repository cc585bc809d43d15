package io.storycast.gateway.config;

import java.net.URI;

/**
 * The Redis (or Valkey) server the gateway keeps its streams and keys in.
 *
 * @param url                             {@code redis://[user:password@]host:port[/db]}; {@code null} starts an
 *                                        embedded Redis on a free loopback port; default {@code null}
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
        String url,
        String keyPrefix,
        int maxPendingCommandsPerConnection,
        int commandTimeoutMillis,
        EmbeddedRedisConfig embedded) {

    void validate() {
        if (url != null) {
            try {
                URI uri = new URI(url);
                ConfigException.require("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()),
                        "redis.url", "must start with redis:// or rediss://, was '" + url + "'");
                ConfigException.require(uri.getHost() != null, "redis.url", "has no host: '" + url + "'");
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException("redis.url", "is not a URL: " + e.getMessage());
            }
        }
        ConfigException.require(keyPrefix != null && keyPrefix.matches("[A-Za-z0-9_.-]{1,64}"),
                "redis.keyPrefix", "must be 1 to 64 of A-Z a-z 0-9 _ . -");
        ConfigException.requireRange(maxPendingCommandsPerConnection, 1, 100_000, "redis.maxPendingCommandsPerConnection");
        ConfigException.requireRange(commandTimeoutMillis, 10, 60_000, "redis.commandTimeoutMillis");
        ConfigException.require(embedded != null, "redis.embedded", "is required");
        embedded.validate();
    }

    /**
     * The embedded Redis started when no URL is configured.
     *
     * @param dataDir     folder for the append-only file, created if missing; relative to the working
     *                    directory; default {@code storycast-data/redis}
     * @param appendFsync {@code always}, {@code everysec} or {@code no}: how often the append-only file is
     *                    fsynced; {@code everysec} survives a process crash, {@code always} also a power
     *                    loss; default {@code everysec}
     */
    public record EmbeddedRedisConfig(String dataDir, String appendFsync) {
        void validate() {
            ConfigException.require(dataDir != null && !dataDir.isBlank(), "redis.embedded.dataDir", "must be a folder");
            ConfigException.require("always".equals(appendFsync) || "everysec".equals(appendFsync) || "no".equals(appendFsync),
                    "redis.embedded.appendFsync", "must be always, everysec or no, was '" + appendFsync + "'");
        }
    }
}
