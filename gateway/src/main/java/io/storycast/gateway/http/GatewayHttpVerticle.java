package io.storycast.gateway.http;

import io.storycast.gateway.audience.AudienceStore;
import io.storycast.gateway.audience.CrossShareStore;
import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.auth.ApiKeyRegistry;
import io.storycast.gateway.ingest.StoryEventDecoder;
import io.storycast.gateway.ingest.StoryIngestor;
import io.storycast.gateway.ingest.StoryStreamAppender;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisClients;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoryStreams;
import io.storycast.gateway.trays.StoryRecords;
import io.storycast.gateway.trays.TrayReader;
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
    private final ApiKeyRegistry producers;
    private final ApiKeyRegistry readers;
    private final InFlightLimiter inFlight;
    private final Readiness readiness;

    private HttpServer server;
    private PipelinedRedis redis;

    /**
     * @param port the port every instance listens on (already resolved when 0 was configured)
     */
    public GatewayHttpVerticle(StorycastConfig config, String redisUrl, int port, ApiKeyRegistry producers,
                               ApiKeyRegistry readers, InFlightLimiter inFlight, Readiness readiness) {
        this.config = Objects.requireNonNull(config, "config");
        this.redisUrl = Objects.requireNonNull(redisUrl, "redisUrl");
        this.port = port;
        this.producers = Objects.requireNonNull(producers, "producers");
        this.readers = Objects.requireNonNull(readers, "readers");
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
    }

    @Override
    public Future<?> start() {
        redis = RedisClients.createPipelined(vertx, config.redis(), redisUrl);
        RedisKeys keys = new RedisKeys(config.redis().keyPrefix(), config.ingest().streamPartitions());
        StoryIngestor ingestor = new StoryIngestor(
                new StoryEventDecoder(config.ingest(), System::currentTimeMillis),
                new StoryStreamAppender(context, redis, keys));
        StoryStreams streams = new StoryStreams(redis, keys);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.http().host())
                .setPort(port)
                .setIdleTimeout(config.http().idleTimeoutSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setHttp2ClearTextEnabled(true)
                .setTcpNoDelay(true);
        server = vertx.createHttpServer(options)
                .requestHandler(GatewayRouter.create(vertx, config, ingestor, producers, inFlight, readiness, streams,
                        new AudienceStore(redis, keys), new CrossShareStore(redis, keys), readers,
                        new TrayReader(redis, keys, config.trays().maxStories(),
                                1000 * (config.ingest().maxStoryLifetimeSeconds() + config.ingest().maxClockSkewSeconds()),
                                System::currentTimeMillis),
                        new StoryRecords(redis, keys)));
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        return server.shutdown(config.shutdown().drainTimeoutSeconds(), TimeUnit.SECONDS)
                .eventually(() -> redis.close());
    }
}
