package io.storycast.gateway.redis;

import io.storycast.gateway.config.RedisConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * Builds Redis clients from the configuration: pooled, with a bounded wait for a connection and a bounded
 * number of unanswered commands per connection, both failing fast when full, and a connect timeout equal
 * to the command timeout so a dead server is noticed within the same bound.
 */
public final class RedisClients {
    private RedisClients() {
    }

    /**
     * @param vertx  the Vert.x instance; call from the verticle that will use the client, so its
     *               connections live on that verticle's event loop
     * @param config pool and timeout settings
     * @param url    the server's URL (the configured one, or the embedded server's)
     */
    public static Redis create(Vertx vertx, RedisConfig config, String url) {
        RedisOptions options = new RedisOptions()
                .setConnectionString(url)
                .setMaxPoolSize(config.maxPoolSize())
                .setMaxPoolWaiting(config.maxPoolWaiting())
                .setMaxWaitingHandlers(config.maxPendingCommandsPerConnection())
                .setNetClientOptions(new NetClientOptions()
                        .setConnectTimeout(config.commandTimeoutMillis())
                        .setTcpNoDelay(true)
                        .setTcpKeepAlive(true));
        return Redis.createClient(vertx, options);
    }
}
