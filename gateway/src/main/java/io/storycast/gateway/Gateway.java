package io.storycast.gateway;

import io.storycast.gateway.auth.ApiKeyRegistry;
import io.storycast.gateway.config.MediaConfig;
import io.storycast.gateway.config.RedisConfig;
import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.fanout.ExpressActivity;
import io.storycast.gateway.fanout.FanoutVerticle;
import io.storycast.gateway.http.GatewayHttpVerticle;
import io.storycast.gateway.http.InFlightLimiter;
import io.storycast.gateway.http.Readiness;
import io.storycast.gateway.http.SharedHttpState;
import io.storycast.gateway.live.LiveHub;
import io.storycast.gateway.media.FileRenditionStore;
import io.storycast.gateway.media.MediaJobs;
import io.storycast.gateway.media.MediaTranscoding;
import io.storycast.gateway.media.RenditionStore;
import io.storycast.gateway.media.SharedMedia;
import io.storycast.gateway.media.UploadMemory;
import io.storycast.gateway.metrics.MetricsVerticle;
import io.storycast.gateway.metrics.ProcessMetrics;
import io.storycast.gateway.redis.EmbeddedRedis;
import io.storycast.gateway.redis.EmbeddedRedisCluster;
import io.storycast.gateway.redis.LocalRedis;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisClients;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoryStreams;
import io.netty.buffer.PooledByteBufAllocator;
import io.storycast.media.ffmpeg.H264Encoders;
import io.storycast.media.ffmpeg.ImageTranscoder;
import io.storycast.media.ffmpeg.VideoTranscoder;
import io.storycast.media.profile.PlatformProfiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A running gateway process: the embedded Redis when no URL is configured, one Vert.x instance and its
 * HTTP verticles. {@link #start} and {@link #close} block; call them from a plain thread (main, a shutdown
 * hook, a test), never from an event loop.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final StorycastConfig config;
    private final LocalRedis embeddedRedis;
    private final String redisUrl;
    private final ProcessMetrics metrics;
    private final Vertx vertx;
    private final Readiness readiness = new Readiness();
    private SharedMedia media;
    private MetricsVerticle metricsVerticle;
    private LiveHub liveHub;
    private int port;
    private boolean closed;

    private Gateway(StorycastConfig config, LocalRedis embeddedRedis, String redisUrl) {
        this.config = config;
        this.embeddedRedis = embeddedRedis;
        this.redisUrl = redisUrl;
        // Before Vert.x: its HTTP, pool, event bus and JVM metrics go to this process's registry.
        this.metrics = new ProcessMetrics(config.metrics());
        this.vertx = metrics.createVertx();
    }

    /**
     * Starts a gateway and returns once it listens.
     *
     * @throws IllegalStateException when the HTTP port cannot be bound or Vert.x fails to deploy
     */
    public static Gateway start(StorycastConfig config) {
        Objects.requireNonNull(config, "config");
        LocalRedis embedded = null;
        String url = config.redis().url();
        if (url == null) {
            embedded = startEmbeddedRedis(config.redis());
            url = embedded.url();
        }
        Gateway gateway = new Gateway(config, embedded, url);
        try {
            gateway.deploy();
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    /** The media jobs, store and transcoder every HTTP event loop shares; the jobs close with Vert.x. */
    private SharedMedia sharedMedia() {
        MediaConfig media = config.media();
        PlatformProfiles profiles = media.profilesFile() == null ? PlatformProfiles.shipped()
                : PlatformProfiles.load(Path.of(media.profilesFile()));
        RenditionStore store;
        try {
            store = new FileRenditionStore(Path.of(media.storeDir()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create media.storeDir " + media.storeDir() + ": " + e.getMessage(), e);
        }
        MediaJobs jobs = new MediaJobs(vertx, media.resolvedWorkers(), media.maxJobs(), media.jobTimeoutSeconds() * 1000L);
        H264Encoders encoders = media.h264Encoders();
        LOG.info("video: H.264 through {} (media.h264Encoder {})", encoders.description(), media.h264Encoder());
        this.media = new SharedMedia(jobs, new UploadMemory(media.maxBufferedBytes()), media.memoryWaitSeconds() * 1000L,
                media.uploadTimeoutSeconds() * 1000L,
                new MediaTranscoding(new ImageTranscoder(PooledByteBufAllocator.DEFAULT),
                        new VideoTranscoder(PooledByteBufAllocator.DEFAULT, VideoTranscoder.DEFAULT_THREADS, encoders), profiles,
                        store, media.limits()),
                store, media.limits());
        return this.media;
    }

    private static LocalRedis startEmbeddedRedis(RedisConfig config) {
        Path dataDir = Path.of(config.embedded().dataDir());
        if (config.cluster()) {
            LocalRedis cluster = EmbeddedRedisCluster.start(dataDir, config.embedded().appendFsync(),
                    config.embedded().clusterMasters());
            LOG.info("no redis.url configured: started an embedded Redis Cluster of {} masters at {} with its data in {}",
                    config.embedded().clusterMasters(), cluster.url(), dataDir.toAbsolutePath());
            return cluster;
        }
        LocalRedis server = EmbeddedRedis.start(dataDir, config.embedded().appendFsync());
        LOG.info("no redis.url configured: started an embedded Redis at {} with its append-only file in {}",
                server.url(), dataDir.toAbsolutePath());
        return server;
    }

    private void deploy() {
        // One pipelined connection, on an event loop, as the request path uses: any number of partitions
        // fits through it, where a pooled client's bounded wait queue would overflow.
        Promise<Void> created = Promise.promise();
        vertx.getOrCreateContext().runOnContext(ignored -> {
            PipelinedRedis admin = RedisClients.createPipelined(vertx, config.redis(), redisUrl);
            new StoryStreams(admin, RedisKeys.of(config))
                    .ensureCreated().eventually(admin::close).onComplete(created);
        });
        try {
            created.future().await(2L * config.redis().commandTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Not fatal: /readyz stays 503 and creates the streams once Redis answers.
            LOG.warn("could not create the story streams at {} yet: {}", redisUrl, e.toString());
        }

        if (config.live().enabled()) {
            // Before the HTTP verticles, whose live connections it routes pushes to.
            liveHub = new LiveHub(config, redisUrl, instanceName(consumerName(config)), metrics);
            await(vertx.deployVerticle(liveHub));
        }
        SharedHttpState shared = new SharedHttpState(new ApiKeyRegistry(config.producers()),
                new ApiKeyRegistry(config.readers()), new ApiKeyRegistry(config.admins()),
                new InFlightLimiter(config.http().maxInFlightRequests()), readiness, sharedMedia(), metrics, liveHub);
        int instances = config.http().resolvedInstances();
        // One deployment of N instances on one port: Vert.x binds the socket once and spreads connections
        // over the instances. Port 0 must become a real port first: Vert.x would give each instance its own
        // random port, and only the first would ever be used.
        port = config.http().port() != 0 ? config.http().port() : freePort(config.http().host());
        await(vertx.deployVerticle(() -> new GatewayHttpVerticle(config, redisUrl, port, shared),
                new DeploymentOptions().setInstances(instances)));
        if (config.fanout().enabled()) {
            int workers = config.fanout().resolvedInstances();
            String consumer = consumerName(config);
            // One for the process: every worker's bulk lane yields to the stories of every worker.
            ExpressActivity expressActivity = new ExpressActivity(System::nanoTime);
            for (int index = 0; index < workers; index++) {
                int at = index;
                await(vertx.deployVerticle(new FanoutVerticle(config, redisUrl, at, workers, consumer + "-" + at, metrics,
                        expressActivity)));
            }
            LOG.info("fan-out: {} workers over {} partitions, consumers {}-0..{}", workers,
                    config.ingest().streamPartitions(), consumer, workers - 1);
        }
        if (config.metrics().enabled()) {
            metricsVerticle = new MetricsVerticle(config, redisUrl, metrics);
            await(vertx.deployVerticle(metricsVerticle));
        }
        readiness.markStarted();
        LOG.info("Storycast gateway listening on http://{}:{} (HTTP/1.1 and h2c) with {} event loops, Redis {} at {}",
                config.http().host(), port, instances, config.redis().mode(), redisUrl);
        logLive();
        if (config.usesDevelopmentKey()) {
            LOG.warn("a producer, tray reader or admin uses the documented development key '{}': configure producers, "
                    + "readers and admins with real keys before "
                    + "serving anything but a developer's machine", StorycastConfig.DEVELOPMENT_KEY);
        }
    }

    /** @return the HTTP port the gateway listens on */
    public int port() {
        return port;
    }

    /**
     * @return the management listener's port ({@code GET /metrics}, {@code GET /v1/stats/latency})
     * @throws IllegalStateException when {@code metrics.enabled} is false
     */
    public int metricsPort() {
        if (metricsVerticle == null) {
            throw new IllegalStateException("metrics.enabled is false: no management listener");
        }
        return metricsVerticle.port();
    }

    /** @return what the process measures: its stages' latency recorders, counters and registry */
    public ProcessMetrics metrics() {
        return metrics;
    }

    /** @return the URL of the Redis the gateway uses (the embedded one's when none was configured) */
    public String redisUrl() {
        return redisUrl;
    }

    /**
     * Graceful stop: /readyz turns 503, the servers stop accepting and let in-flight requests finish
     * (up to {@code shutdown.drainTimeoutSeconds}), then Redis clients close, then the embedded Redis
     * stops (flushing its append-only file). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        readiness.markDraining();
        LOG.info("stopping: draining in-flight requests for up to {} s", config.shutdown().drainTimeoutSeconds());
        try {
            if (media != null && !media.jobs().awaitIdle(config.shutdown().drainTimeoutSeconds() * 1000L)) {
                LOG.warn("media jobs still running after {} s; their records stay 'processing'",
                        config.shutdown().drainTimeoutSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            vertx.close().await(config.shutdown().drainTimeoutSeconds() + 10L, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not stop cleanly: {}", e.toString());
        }
        metrics.close();
        if (embeddedRedis != null) {
            embeddedRedis.stop();
            LOG.info("stopped the embedded Redis");
        }
        LOG.info("stopped");
    }

    private void logLive() {
        if (liveHub == null) {
            LOG.info("live delivery is off (live.enabled false): /v1/live answers 404 and the fan-out publishes no push");
        } else if (!config.live().serves()) {
            LOG.warn("live delivery: no live.tokenSecret (STORYCAST_LIVE_TOKEN_SECRET) is configured, so this gateway serves "
                    + "no live connection (/v1/live answers 503 live-not-configured); its fan-out still publishes pushes "
                    + "for subscribers connected to other gateways (instance {})", liveHub.instance());
        } else {
            LOG.info("live delivery: SSE at /v1/live/{platform}/{subscriberId} and WebSocket at /v1/live/ws, at most {} "
                    + "connections (instance {}){}", config.live().maxConnections(), liveHub.instance(),
                    config.live().demoPage() ? ", example page at /live-demo/" : "");
        }
    }

    /**
     * @return this process's live instance id: its consumer name and a random suffix, so a process restarted under
     *         the same name never receives what was published for its predecessor's connections
     */
    private static String instanceName(String consumer) {
        byte[] random = new byte[4];
        new java.security.SecureRandom().nextBytes(random);
        return consumer + "-" + HexFormat.of().formatHex(random);
    }

    /** @return the configured consumer name, or host name and process id, unique per process */
    private static String consumerName(StorycastConfig config) {
        if (!config.fanout().consumerName().isEmpty()) {
            return config.fanout().consumerName();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.:-]", "_");
        } catch (IOException e) {
            host = "gateway";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on " + host + ": " + e.getMessage(), e);
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("gateway start-up failed: " + e.getMessage(), e);
        }
    }
}
