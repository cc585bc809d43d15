package io.storycast.gateway.metrics;

import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisClients;
import io.storycast.gateway.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The process's one metrics verticle: every {@code metrics.intervalMillis} it swaps the stages' latency
 * intervals (on a worker: it copies histograms and may write interval logs) and polls the stream groups
 * (on its event loop, through its own pipelined connection); and it serves the management listener
 * ({@link MetricsRoutes}: metrics, the latency and stream feeds, the dashboard) on
 * {@code metrics.host:metrics.port}. Stopping it swaps once more, so the
 * interval logs keep the interval in progress, then closes the logs.
 */
public final class MetricsVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);

    private final StorycastConfig config;
    private final String redisUrl;
    private final ProcessMetrics metrics;

    private PipelinedRedis redis;
    private HttpServer server;
    private long timer = -1;

    public MetricsVerticle(StorycastConfig config, String redisUrl, ProcessMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.redisUrl = Objects.requireNonNull(redisUrl, "redisUrl");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public Future<?> start() {
        redis = RedisClients.createPipelined(vertx, config.redis(), redisUrl);
        StreamGroupStats streams = new StreamGroupStats(redis, RedisKeys.of(config));
        streams.bindTo(metrics.registry());
        streams.poll();
        timer = vertx.setPeriodic(config.metrics().intervalMillis(), tick -> {
            swap();
            streams.poll();
        });
        server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(config.metrics().host())
                        .setPort(config.metrics().port())
                        .setTcpNoDelay(true))
                .requestHandler(new MetricsRoutes(vertx, metrics, streams).router());
        return server.listen().onSuccess(listening -> LOG.info(
                "metrics on http://{}:{}/metrics, /v1/stats/latency, /v1/stats/streams; dashboard on http://{}:{}/dashboard/",
                config.metrics().host(), listening.actualPort(), config.metrics().host(), listening.actualPort()));
    }

    /** @return the management listener's port (the one chosen when 0 was configured) */
    public int port() {
        return server.actualPort();
    }

    /** Ends the interval on a worker; ordered, so two swaps never overlap and the logs stay in time order. */
    private Future<Void> swap() {
        return vertx.<Void>executeBlocking(() -> {
            metrics.intervals().swap();
            return null;
        }, true).onFailure(failure -> LOG.warn("latency interval swap failed: {}", failure.toString()));
    }

    @Override
    public Future<?> stop() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
        return server.close()
                .eventually(this::swap)
                .eventually(() -> redis.close());
    }
}
