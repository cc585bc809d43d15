package io.storycast.gateway.http;

import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.live.LiveLoop;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP event loop: its own server instance (Vert.x spreads connections over the instances sharing a
 * port) and its own pipelined Redis connection, so a request and its Redis calls stay on one thread.
 * Stopping it drains: the server stops accepting, in-flight requests finish (up to the drain timeout),
 * then Redis closes.
 */
public final class GatewayHttpVerticle extends VerticleBase {
    private final StorycastConfig config;
    private final String redisUrl;
    private final int port;
    private final SharedHttpState shared;

    private HttpServer server;
    private PipelinedRedis redis;
    private LiveLoop live;

    /**
     * @param port   the port every instance listens on (already resolved when 0 was configured)
     * @param shared what the instances of the process share
     */
    public GatewayHttpVerticle(StorycastConfig config, String redisUrl, int port, SharedHttpState shared) {
        this.config = Objects.requireNonNull(config, "config");
        this.redisUrl = Objects.requireNonNull(redisUrl, "redisUrl");
        this.port = port;
        this.shared = Objects.requireNonNull(shared, "shared");
    }

    @Override
    public Future<?> start() {
        redis = RedisClients.createPipelined(vertx, config.redis(), redisUrl, config.redis().maxPendingCommandsPerConnection(),
                shared.metrics().latencies().redisRoundTrip());
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.http().host())
                .setPort(port)
                .setIdleTimeout(config.http().idleTimeoutSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setHttp2ClearTextEnabled(true)
                .setTcpNoDelay(true);
        EventLoopServices services = EventLoopServices.create(config, context, redis, shared.metrics());
        if (shared.live() != null) {
            live = new LiveLoop(shared.live(), vertx, context, config, shared.metrics(), services.trays());
            live.start();
        }
        server = vertx.createHttpServer(options)
                .requestHandler(GatewayRouter.create(vertx, config, shared, services, live));
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        if (live != null) {
            live.stop(); // live connections never end on their own: cut off, they reconnect to another process
        }
        return server.shutdown(config.shutdown().drainTimeoutSeconds(), TimeUnit.SECONDS)
                .eventually(() -> redis.close());
    }
}
