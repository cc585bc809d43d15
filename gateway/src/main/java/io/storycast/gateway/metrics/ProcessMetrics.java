package io.storycast.gateway.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storycast.gateway.config.MetricsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a gateway process measures, created once before its Vert.x instance and shared by every verticle
 * (like the media jobs): the Micrometer registry that {@code GET /metrics} exposes, the stages' latency
 * recorders and their intervals, and the event counters.
 *
 * <p>The registry also receives Vert.x's own metrics (HTTP server and client, pools, event bus, and the JVM:
 * memory, GC, threads, classes, CPU), because {@link #createVertx} creates the Vert.x instance with it. Each
 * process (and each gateway a test starts in one JVM) has its own registry, never Micrometer's global one.
 */
public final class ProcessMetrics implements AutoCloseable {
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StageLatencies latencies = new StageLatencies();
    private final GatewayCounters counters = new GatewayCounters(registry);
    private final LiveCounters live = new LiveCounters(registry);
    private final LatencyIntervals intervals;
    private final MetricsConfig config;

    /** @throws java.io.UncheckedIOException when {@code metrics.hlogDir} is set and cannot be written */
    public ProcessMetrics(MetricsConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        IntervalLogs logs = config.enabled() && config.hlogDir() != null
                ? new IntervalLogs(Path.of(config.hlogDir()), latencies.all(), System.currentTimeMillis())
                : null;
        this.intervals = new LatencyIntervals(latencies, logs);
        new StageLatencyMeters(latencies, intervals).bindTo(registry);
    }

    /**
     * @return a Vert.x instance whose HTTP, pool, event bus and JVM metrics go to this registry, with the HTTP
     *         route (the path template, a bounded set) as a label besides method and status code
     */
    public Vertx createVertx() {
        MicrometerMetricsOptions options = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                // Vert.x keeps its backends in a static map by this name: one per process, or per test gateway.
                .setRegistryName("storycast-" + INSTANCES.incrementAndGet())
                .addLabels(Label.HTTP_ROUTE);
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(options))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    public MetricsConfig config() {
        return config;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public StageLatencies latencies() {
        return latencies;
    }

    public GatewayCounters counters() {
        return counters;
    }

    /** @return the live delivery's connections gauge and counters */
    public LiveCounters live() {
        return live;
    }

    public LatencyIntervals intervals() {
        return intervals;
    }

    /** Closes the interval logs and the registry (call once Vert.x has stopped). */
    @Override
    public void close() {
        intervals.close();
        registry.close();
    }
}
