package io.storycast.gateway.metrics;

import io.storycast.gateway.story.MediaKind;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.testing.LeakDetectionExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code GET /v1/stats/latency} and the interval logs say about a stage, checked against an HdrHistogram
 * the test fills independently with the same values. Each test records into a stage this gateway (fan-out
 * off, no media) never records into, through the stage's public recording API.
 */
@ExtendWith(LeakDetectionExtension.class)
class LatencyStatsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static TestRedis redis;
    private static TestGateway gateway;
    private static Path hlogDir;

    @BeforeAll
    static void start() throws IOException {
        redis = new TestRedis();
        hlogDir = Files.createTempDirectory("storycast-hlog");
        gateway = TestGateway.start(redis.url(), Map.of("STORYCAST_METRICS_INTERVAL_MILLIS", "100",
                "STORYCAST_METRICS_HLOG_DIR", hlogDir.toString()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    @Test
    void percentilesMatchAnHdrHistogramOfTheSameSamples() {
        StageRecorder stage = gateway.metrics().latencies().mediaTranscode(MediaKind.IMAGE);
        Histogram expected = StageRecorder.newHistogram();
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            // A long tail: mostly tens of milliseconds, a few seconds, one past the trackable hour (clamped).
            long micros = i == 0 ? StageRecorder.HIGHEST_TRACKABLE_MICROS + 5 : (long) Math.exp(7 + 4 * random.nextDouble() + (i % 100 == 0 ? 4 : 0));
            stage.recordMicros(micros);
            expected.recordValue(Math.min(micros, StageRecorder.HIGHEST_TRACKABLE_MICROS));
        }

        JsonObject sinceStart = await().atMost(DEADLINE).until(
                () -> stats("").getJsonObject("stages").getJsonObject(stage.name()).getJsonObject("sinceStart"),
                distribution -> distribution.getLong("count") == expected.getTotalCount());

        assertThat(sinceStart.getLong("min")).isEqualTo(expected.getMinValue());
        assertThat(sinceStart.getLong("p50")).isEqualTo(expected.getValueAtPercentile(50));
        assertThat(sinceStart.getLong("p90")).isEqualTo(expected.getValueAtPercentile(90));
        assertThat(sinceStart.getLong("p99")).isEqualTo(expected.getValueAtPercentile(99));
        assertThat(sinceStart.getLong("p999")).isEqualTo(expected.getValueAtPercentile(99.9));
        assertThat(sinceStart.getLong("max")).isEqualTo(expected.getMaxValue());
        assertThat(expected.valuesAreEquivalent(sinceStart.getLong("max"), StageRecorder.HIGHEST_TRACKABLE_MICROS))
                .as("a value past the trackable hour is recorded as one hour").isTrue();
        JsonArray rows = sinceStart.getJsonArray("percentiles");
        int row = 0;
        for (HistogramIterationValue value : expected.percentiles(LatencyReport.TICKS_PER_HALF_DISTANCE)) {
            JsonObject actual = rows.getJsonObject(row++);
            assertThat(actual.getDouble("percentile")).isEqualTo(value.getPercentileLevelIteratedTo());
            assertThat(actual.getLong("value")).isEqualTo(value.getValueIteratedTo());
            assertThat(actual.getLong("count")).isEqualTo(value.getTotalCountToThisValue());
        }
        assertThat(row).isEqualTo(rows.size());

        HttpResponse<String> hgrm = get("/v1/stats/latency?format=hgrm&stage=" + stage.name());
        assertThat(hgrm.statusCode()).isEqualTo(200);
        ByteArrayOutputStream independent = new ByteArrayOutputStream();
        expected.outputPercentileDistribution(new PrintStream(independent, true, StandardCharsets.UTF_8),
                LatencyReport.TICKS_PER_HALF_DISTANCE, LatencyReport.HGRM_VALUE_UNIT_RATIO);
        assertThat(hgrm.body()).isEqualTo(independent.toString(StandardCharsets.UTF_8));
    }

    @Test
    void intervalLogReadsBackWithHistogramLogReader() throws IOException {
        StageRecorder stage = gateway.metrics().latencies().targetFanout(Platform.MESSENGER);
        Histogram expected = StageRecorder.newHistogram();
        for (long micros = 1; micros <= 2_000_000; micros = micros * 3 + 7) {
            stage.recordMicros(micros);
            expected.recordValue(micros);
        }
        Path log = hlogDir.resolve(stage.name() + ".hlog");

        Histogram read = await().atMost(DEADLINE).ignoreExceptions().until(() -> readAll(log),
                histogram -> histogram.getTotalCount() == expected.getTotalCount());

        assertThat(read).isEqualTo(expected);
        assertThat(Files.readString(log)).contains("#[StartTime: ", "\"StartTimestamp\",\"Interval_Length\"");
    }

    @Test
    void unknownStageIsNotFoundAndUnknownFormatIsRefused() {
        assertThat(get("/v1/stats/latency?stage=no.such.stage").statusCode()).isEqualTo(404);
        assertThat(get("/v1/stats/latency?format=xml").statusCode()).isEqualTo(400);
        assertThat(get("/v1/stats/latency?window=yesterday").statusCode()).isEqualTo(400);
    }

    @Test
    void everyStageIsListedWithItsUnitBeforeItsFirstSample() {
        JsonObject stats = stats("");
        assertThat(stats.getString("unit")).isEqualTo("microseconds");
        assertThat(stats.getLong("highestTrackableValue")).isEqualTo(3_600_000_000L);
        assertThat(stats.getJsonObject("stages").fieldNames()).containsAll(
                gateway.metrics().latencies().all().stream().map(StageRecorder::name).toList());
        assertThat(stats.getJsonObject("stages").getJsonObject("fanout.target.whatsapp")
                .getJsonObject("sinceStart").getLong("count")).isZero();
    }

    /** @return every interval in the log, added up (a log may be read while the gateway appends to it) */
    private static Histogram readAll(Path log) throws IOException {
        Histogram all = StageRecorder.newHistogram();
        if (!Files.exists(log)) {
            return all;
        }
        HistogramLogReader reader = new HistogramLogReader(log.toFile());
        try {
            for (var interval = reader.nextIntervalHistogram(); interval != null; interval = reader.nextIntervalHistogram()) {
                all.add((Histogram) interval);
            }
        } finally {
            reader.close();
        }
        return all;
    }

    private static JsonObject stats(String query) {
        HttpResponse<String> response = get("/v1/stats/latency" + query);
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private static HttpResponse<String> get(String path) {
        return gateway.send(HttpRequest.newBuilder(gateway.metricsUri(path)).GET());
    }
}
