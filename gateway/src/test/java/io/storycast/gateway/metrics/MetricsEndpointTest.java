package io.storycast.gateway.metrics;

import io.storycast.gateway.testing.FanoutFixture;
import io.storycast.gateway.testing.MediaUploads;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.media.ffmpeg.TestImages;
import io.storycast.media.ffmpeg.TestVideos;
import io.storycast.testing.LeakDetectionExtension;
import io.vertx.core.json.JsonObject;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.Summary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.storycast.gateway.testing.FanoutFixture.story;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /metrics} and {@code GET /v1/stats/latency} of a real gateway (fan-out on, real Redis) under
 * real traffic over loopback HTTP: the counters and every ingest and fan-out stage move, and the exposition
 * is Prometheus text that a real parser reads line for line.
 */
@ExtendWith(LeakDetectionExtension.class)
class MetricsEndpointTest {
    private static FanoutFixture fixture;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        fixture = FanoutFixture.start(Map.of("STORYCAST_METRICS_INTERVAL_MILLIS", "200",
                "STORYCAST_FANOUT_CHUNK_SIZE", "3"));
        gateway = fixture.gateway();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void countersAndStagesMoveWithRealTraffic() {
        // This test's own traffic, as differences: other tests of the class post stories to the same gateway.
        Map<String, Double> before = samples(scrape());
        String author = "metrics-author-" + StoryEvents.newStoryId();
        List<String> followers = List.of("f-1-" + author, "f-2-" + author, "f-3-" + author, "f-4-" + author);
        fixture.audience("instagram", author, "default", followers);
        String storyId = "metrics-story-" + StoryEvents.newStoryId();
        JsonObject event = story("instagram", storyId, author, "default", 1);
        fixture.post(event);
        assertThat(gateway.postStories("application/json", event.encode()).statusCode()).isEqualTo(200); // duplicate
        assertThat(gateway.postStories("application/json", "{\"platform\":\"instagram\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> unauthorized = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event.encode())));
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        String mediaId = "metrics-media-" + StoryEvents.newStoryId();
        assertThat(MediaUploads.put(gateway, mediaId, MediaUploads.bytesOf(TestImages.redBlueJpeg(320, 240))).statusCode())
                .isEqualTo(202);
        assertThat(MediaUploads.put(gateway, mediaId + "-clip", MediaUploads.bytesOf(TestVideos.clip(160, 120, 10, 1,
                TestVideos.Audio.NONE))).statusCode()).isEqualTo(202);
        assertThat(MediaUploads.put(gateway, "metrics-not-an-image", "plain text".getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(422);
        // An entry no producer path writes: the fan-out dead-letters its line at once.
        TestRedis.await(fixture.redis().api().xadd(List.of(fixture.keys().storyStream(0), "*", "events", "{\"broken",
                "producer", "test")));
        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(fixture.trayStoryIds("instagram", followers.get(3))).containsExactly(storyId));

        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> {
            Map<String, Double> samples = samples(scrape());
            Function<String, Double> moved = name -> samples.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
            assertThat(moved.apply("storycast_ingest_accepted_total")).isEqualTo(1.0);
            assertThat(moved.apply("storycast_ingest_duplicates_total")).isEqualTo(1.0);
            assertThat(moved.apply("storycast_ingest_rejected_total{reason=\"invalid\"}")).isEqualTo(1.0);
            assertThat(moved.apply("storycast_ingest_rejected_total{reason=\"unauthorized\"}")).isEqualTo(1.0);
            assertThat(moved.apply("storycast_fanout_delivered_total{platform=\"instagram\"}")).isGreaterThanOrEqualTo(1.0);
            assertThat(moved.apply("storycast_fanout_dead_lettered_total{reason=\"undecodable\"}")).isEqualTo(1.0);
            assertThat(moved.apply("storycast_media_jobs_total{outcome=\"ready\"}")).as("the image and the clip").isEqualTo(2.0);
            assertThat(moved.apply("storycast_media_jobs_total{outcome=\"rejected\"}")).isEqualTo(1.0);
            assertThat(moved.apply("storycast_stage_samples_total{stage=\"http.ingest\"}")).isGreaterThanOrEqualTo(2.0);

            JsonObject stages = latencyStats().getJsonObject("stages");
            for (String stage : List.of("http.ingest", "queue.wait", "lookup.preference", "lookup.audience", "tray.write",
                    "fanout.story", "fanout.target.instagram", "e2e.tray", "media.transcode.image", "media.transcode.video",
                    "redis.roundtrip")) {
                assertThat(stages.getJsonObject(stage).getJsonObject("sinceStart").getLong("count"))
                        .as(stage).isGreaterThan(0);
            }
            // Four followers in chunks of three: at least two chunk writes.
            assertThat(stages.getJsonObject("tray.write").getJsonObject("sinceStart").getLong("count")).isGreaterThanOrEqualTo(2);
        });
    }

    @Test
    void metricsParseAsPrometheusTextWithARealParser() throws IOException {
        gateway.postStories("application/json", StoryEvents.valid().encode());
        String text = scrape();

        List<MetricFamily> families = new ArrayList<>();
        TextPrometheusMetricDataParser parser = new TextPrometheusMetricDataParser(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        for (MetricFamily family = parser.parse(); family != null; family = parser.parse()) {
            families.add(family);
        }
        // The parser skips what it cannot read: every sample line must be in a family it built.
        long sampleLines = text.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).count();
        assertThat(families.stream().mapToLong(MetricsEndpointTest::samplesOf).sum()).isEqualTo(sampleLines);
        List<String> names = families.stream().map(MetricFamily::getName).toList();
        assertThat(names).contains("storycast_stage_latency_seconds", "storycast_stage_latency_max_seconds",
                "storycast_stage_samples_total", "storycast_ingest_accepted_total", "storycast_ingest_rejected_total",
                "storycast_media_jobs_total", "storycast_fanout_dead_lettered_total", "storycast_fanout_bulk_paced_total",
                "storycast_stream_lag",
                "storycast_stream_pending", "jvm_memory_used_bytes", "vertx_http_server_requests_total");

        MetricFamily quantiles = families.get(names.indexOf("storycast_stage_latency_seconds"));
        for (StageRecorder stage : gateway.metrics().latencies().all()) {
            List<String> ofStage = quantiles.getMetrics().stream()
                    .filter(metric -> stage.name().equals(metric.getLabels().get("stage")))
                    .map(metric -> metric.getLabels().get("quantile")).toList();
            assertThat(ofStage).as(stage.name()).containsExactlyInAnyOrder("0.5", "0.9", "0.99", "0.999");
        }
    }

    @Test
    void streamsFeedShowsEveryPartitionsLagAndPendingAsTheGaugesDo() {
        fixture.post(story("instagram", "streams-story-" + StoryEvents.newStoryId(), "streams-author", "default", 1));

        // The feed and a scrape are two reads: retry until no poll fell between them.
        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> {
            HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.metricsUri("/v1/stats/streams")).GET());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonObject streams = new JsonObject(response.body());
            Map<String, Double> samples = samples(scrape());

            assertThat(streams.getString("polledAt")).isNotNull();
            assertThat(streams.getLong("intervalMillis")).isEqualTo(200L);
            assertThat(streams.getJsonArray("partitions")).hasSize(TestGateway.STREAM_PARTITIONS);
            for (int partition = 0; partition < TestGateway.STREAM_PARTITIONS; partition++) {
                JsonObject entry = streams.getJsonArray("partitions").getJsonObject(partition);
                String labels = "{group=\"fanout\",partition=\"" + partition + "\"}";
                assertThat(entry.getInteger("partition")).isEqualTo(partition);
                assertThat(entry.getString("group")).isEqualTo("fanout");
                assertThat(entry.getLong("lag")).isGreaterThanOrEqualTo(0)
                        .isEqualTo(samples.get("storycast_stream_lag" + labels).longValue());
                assertThat(entry.getLong("pending")).isGreaterThanOrEqualTo(0)
                        .isEqualTo(samples.get("storycast_stream_pending" + labels).longValue());
            }
        });
    }

    /** @return the sample lines a parsed family stands for: one per metric, or its buckets/quantiles and sum and count */
    private static long samplesOf(MetricFamily family) {
        long samples = 0;
        for (Metric metric : family.getMetrics()) {
            if (metric instanceof Summary summary) {
                samples += summary.getQuantiles().size() + 2;
            } else if (metric instanceof Histogram histogram) {
                samples += histogram.getBuckets().size() + 2;
            } else {
                samples++;
            }
        }
        return samples;
    }

    private static String scrape() {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.metricsUri("/metrics")).GET());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return response.body();
    }

    private static JsonObject latencyStats() {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.metricsUri("/v1/stats/latency")).GET());
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    /** @return each sample line's name and labels, as written, mapped to its value */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new java.util.HashMap<>();
        text.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        });
        return samples;
    }
}
