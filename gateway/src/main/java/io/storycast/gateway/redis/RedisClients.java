package io.storycast.gateway.redis;

import io.storycast.gateway.config.RedisConfig;
import io.storycast.gateway.metrics.StageRecorder;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;

/**
 * Builds Redis clients from the configuration (a standalone server, or a Redis Cluster from its seed
 * nodes): a bounded number of unanswered commands per connection
 * (failing fast when full) and a connect timeout equal to the command timeout, so a dead server is
 * noticed within the same bound.
 */
public final class RedisClients {
    private RedisClients() {
    }

    /** Delay after a failed connect during which commands fail without a new attempt, milliseconds. */
    static final long RECONNECT_BACKOFF_MILLIS = 100;

    /**
     * A single pipelined connection for one event loop: the client of the request path.
     *
     * @param vertx  the Vert.x instance; call from the verticle that will use it
     * @param config limits and timeouts
     * @param url    the server's URL (the configured one, or the embedded server's)
     */
    public static PipelinedRedis createPipelined(Vertx vertx, RedisConfig config, String url) {
        return createPipelined(vertx, config, url, config.maxPendingCommandsPerConnection());
    }

    /**
     * A single pipelined connection with its own bound on unanswered commands, for a user that bounds its
     * commands itself (the fan-out, whose chunk batches are larger than a request's commands).
     *
     * @param maxPendingCommands unanswered commands the connection holds before it refuses more, at least 1
     */
    public static PipelinedRedis createPipelined(Vertx vertx, RedisConfig config, String url, int maxPendingCommands) {
        return createPipelined(vertx, config, url, maxPendingCommands, null);
    }

    /**
     * A single pipelined connection whose every command's and batch's round trip is recorded.
     *
     * @param roundTrips where each round trip is recorded, or {@code null} for none (a connection whose reads
     *                   block in Redis on purpose would only blur the stage)
     */
    public static PipelinedRedis createPipelined(Vertx vertx, RedisConfig config, String url, int maxPendingCommands,
                                                 StageRecorder roundTrips) {
        return new PipelinedRedis(create(vertx, config, url, maxPendingCommands), config.commandTimeoutMillis(),
                RECONNECT_BACKOFF_MILLIS, config.cluster(), roundTrips);
    }

    /** The connection factory behind {@link PipelinedRedis}. */
    static Redis create(Vertx vertx, RedisConfig config, String url) {
        return create(vertx, config, url, config.maxPendingCommandsPerConnection());
    }

    private static Redis create(Vertx vertx, RedisConfig config, String url, int maxPendingCommands) {
        RedisOptions options = new RedisOptions().setMaxWaitingHandlers(maxPendingCommands);
        if (config.cluster()) {
            // Every seed is tried for the slot map; commands go to masters only, so a read sees every
            // acknowledged write (a replica may lag).
            options.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
            RedisConfig.seedUrls(url).forEach(options::addConnectionString);
        } else {
            options.setConnectionString(url);
        }
        options.setNetClientOptions(new NetClientOptions()
                .setConnectTimeout(config.commandTimeoutMillis())
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true));
        return Redis.createClient(vertx, options);
    }
}
