package io.storycast.bench;

import io.storycast.gateway.config.MetricsConfig;
import io.storycast.gateway.metrics.LatencyReport;
import io.storycast.gateway.metrics.ProcessMetrics;
import io.storycast.gateway.metrics.StageRecorder;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What a Prometheus scrape of {@code GET /metrics} costs the gateway, with every stage present and full:
 * the process's registry as the gateway builds it (Vert.x's HTTP server and JVM metrics included: a
 * loopback server has answered requests), every stage holding 100,000 latencies spread over
 * its whole range and swapped into its snapshot, every counter registered. Also the interval swap (every
 * {@code metrics.intervalMillis}, on a worker) and the JSON of {@code GET /v1/stats/latency}.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar MetricsScrape}; the goal is a scrape under 20 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetricsScrapeBenchmark {
    private ProcessMetrics metrics;
    private Vertx vertx;

    @Setup
    public void setUp() throws Exception {
        metrics = new ProcessMetrics(new MetricsConfig(true, "127.0.0.1", 0, 10_000, null));
        vertx = metrics.createVertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.response().end("ok"));
        server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        // Answered requests, so the HTTP server meters exist (a plain JDK client: the load is not what is measured).
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/")).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        fillEveryStage();
        metrics.intervals().swap();
        fillEveryStage(); // the next interval has values too
        metrics.counters().accepted(1);
        metrics.counters().delivered(Platform.INSTAGRAM);
    }

    private void fillEveryStage() {
        Random random = new Random(7);
        for (StageRecorder stage : metrics.latencies().all()) {
            for (int i = 0; i < 100_000; i++) {
                stage.recordMicros((long) Math.exp(random.nextDouble() * Math.log(StageRecorder.HIGHEST_TRACKABLE_MICROS)));
            }
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
        metrics.close();
    }

    /** {@code GET /metrics}'s work: the whole registry in Prometheus text. */
    @Benchmark
    public String scrape() {
        return metrics.registry().scrape();
    }

    /** An interval swap of every stage (the recorders are empty after the first: the copying and scanning is what costs). */
    @Benchmark
    public void swapEveryStage() {
        metrics.intervals().swap();
    }

    /** {@code GET /v1/stats/latency}'s work: every stage's distributions as JSON. */
    @Benchmark
    public String latencyJson() {
        return LatencyReport.json(metrics.intervals().snapshots(), 10_000).encode();
    }
}
