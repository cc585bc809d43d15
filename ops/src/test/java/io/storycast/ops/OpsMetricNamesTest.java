package io.storycast.ops;

import io.storycast.gateway.Gateway;
import io.storycast.gateway.config.ConfigLoader;
import io.storycast.gateway.redis.EmbeddedRedis;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every metric name (and every label value an alert or panel selects) that the alert rules and the Grafana
 * dashboard use exists in the {@code /metrics} of a real gateway: fan-out on, its own Redis, after real
 * traffic over loopback HTTP that includes a fan-out, a duplicate, an invalid line, a 401 and a 503 (Redis
 * stopped for one request), so that the series alerts select on are there.
 */
class OpsMetricNamesTest {
    private static final String KEY = "storycast-dev-key"; // the default configuration's producer, reader and admin
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Path folder;
    private static EmbeddedRedis redis;
    private static Gateway gateway;
    private static ExportedMetrics exported;

    @BeforeAll
    static void startGatewayAndSendTraffic() throws Exception {
        folder = Files.createTempDirectory("storycast-ops-metrics");
        redis = EmbeddedRedis.start(folder.resolve("redis"), "everysec");
        gateway = Gateway.start(new ConfigLoader().load(null, Map.of(
                "STORYCAST_REDIS_URL", redis.url(),
                "STORYCAST_HTTP_PORT", "0",
                "STORYCAST_METRICS_PORT", "0",
                "STORYCAST_METRICS_INTERVAL_MILLIS", "200",
                "STORYCAST_HTTP_INSTANCES", "1",
                "STORYCAST_FANOUT_INSTANCES", "1",
                "STORYCAST_INGEST_STREAM_PARTITIONS", "4",
                "STORYCAST_REDIS_COMMAND_TIMEOUT_MILLIS", "500",
                "STORYCAST_FANOUT_AWAIT_MEDIA", "false",
                "STORYCAST_MEDIA_STORE_DIR", folder.resolve("media").toString())));

        assertThat(send("PUT", "/v1/authors/ops-author/cross-share", "application/json", "{\"instagram\":[\"facebook\"]}")
                .statusCode()).isEqualTo(200);
        assertThat(send("POST", "/v1/audiences/instagram/ops-author/default", "application/json", "[\"ig-1\",\"ig-2\"]")
                .statusCode()).isEqualTo(200);
        assertThat(send("POST", "/v1/audiences/facebook/ops-author/default", "application/json", "[\"fb-1\"]")
                .statusCode()).isEqualTo(200);
        String story = story("ops-story-1");
        assertThat(send("POST", "/v1/stories", "application/json", story).statusCode()).isEqualTo(202);
        assertThat(send("POST", "/v1/stories", "application/json", story).body()).contains("\"duplicate\"");
        assertThat(send("POST", "/v1/stories", "application/x-ndjson", story("ops-story-2") + "\n{\"broken\n").body())
                .contains("\"accepted\":1").contains("\"rejected\":1");
        assertThat(HTTP.send(HttpRequest.newBuilder(api("/v1/stories")).POST(HttpRequest.BodyPublishers.ofString(story))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(send("GET", "/v1/trays/facebook/fb-1", null, null).body()).contains("ops-story-2"));

        redis.stop();
        assertThat(send("POST", "/v1/stories", "application/json", story("ops-story-3")).statusCode()).isEqualTo(503);
        redis.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> send("GET", "/readyz", null, null).statusCode() == 200);

        // A JVM exports jvm_gc_pause_seconds from its first collection on, as any gateway that has run a while has.
        System.gc();
        await().atMost(Duration.ofSeconds(30)).until(() -> scrape().contains("jvm_gc_pause_seconds_count"));
        exported = ExportedMetrics.parse(scrape());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (redis != null) {
            redis.stop();
        }
        try (var paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void everyAlertUsesOnlyExportedMetricsAndLabelValues() {
        Map<String, String> alerts = OpsQueries.alertExpressions();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(7);

        assertThat(problems(alerts)).isEmpty();
    }

    @Test
    void everyDashboardQueryUsesOnlyExportedMetricsAndLabelValues() {
        Map<String, String> queries = OpsQueries.dashboardExpressions();
        assertThat(queries).hasSizeGreaterThanOrEqualTo(20);

        assertThat(problems(queries)).isEmpty();
    }

    @Test
    void theCheckFindsAMisspelledMetricAndALabelValueNoSeriesHas() {
        // The same check, on what it must refuse: a metric that is not exported, a stage that does not exist,
        // and one alternative of a regular expression that matches no reason.
        List<String> problems = problems(Map.of(
                "misspelled", "rate(storycast_ingest_acepted_total[5m])",
                "unknown stage", "storycast_stage_latency_seconds{stage=\"e2e.smoke-signal\",quantile=\"0.99\"}",
                "unknown reason", "storycast_ingest_rejected_total{reason=~\"overloaded|throttled\"}",
                "target labels", "storycast_stream_lag{job=\"storycast\",instance=~\"gw-.*\"}"));

        assertThat(problems).hasSize(3).anyMatch(problem -> problem.contains("no metric storycast_ingest_acepted_total"))
                .anyMatch(problem -> problem.contains("stage=\"e2e.smoke-signal\""))
                .anyMatch(problem -> problem.contains("matches \"throttled\""));
    }

    /** @return what is wrong with the expressions; each must name at least one metric */
    private static List<String> problems(Map<String, String> expressions) {
        List<String> problems = new ArrayList<>();
        expressions.forEach((where, expression) -> {
            List<PromQl.Selector> selectors = PromQl.selectors(expression);
            if (selectors.isEmpty()) {
                problems.add(where + ": names no metric: " + expression);
            }
            selectors.forEach(selector -> problems.addAll(exported.problems(selector, where)));
        });
        return problems;
    }

    private static String scrape() throws Exception {
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body();
    }

    private static String story(String storyId) {
        return new JsonObject().put("platform", "instagram").put("storyId", storyId).put("authorId", "ops-author")
                .put("createdAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).put("audience", "default")
                .put("media", new JsonObject().put("id", "m-" + storyId).put("kind", "image")).encode();
    }

    private static URI api(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(api(path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
