package io.storycast.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live delivery across two gateway processes on one real Redis (standalone, or a cluster in the cluster run): a
 * gateway in another JVM ({@link ForkedGateway}) runs the fan-out and has no token secret, so it serves no live
 * connection but publishes; a gateway in this JVM ({@link TestGateway}) has no fan-out and serves the live
 * connections. Stories are posted to either and fanned out by the other process, so every push a test sees crossed
 * processes through Redis. Plus the calls the tests make through the HTTP API, and a Vert.x instance for the clients.
 */
public final class LiveFixture implements AutoCloseable {
    /** How long a push may take to arrive before a test fails: generous, for a loaded machine. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String PRODUCER_KEY = TestGateway.ALL_PLATFORMS_PRODUCER_KEY;

    private final TestRedis redis;
    private final ForkedGateway fanout;
    private final TestGateway gateway;
    private final Vertx vertx = Vertx.vertx();

    private LiveFixture(TestRedis redis, ForkedGateway fanout, TestGateway gateway) {
        this.redis = redis;
        this.fanout = fanout;
        this.gateway = gateway;
    }

    /**
     * @param serving extra settings of the serving gateway (this JVM)
     * @param fanout  extra settings of the fan-out gateway (its own JVM)
     */
    public static LiveFixture start(Map<String, String> serving, Map<String, String> fanout) {
        TestRedis redis = new TestRedis();
        ForkedGateway forked = null;
        try {
            Map<String, String> fanoutSettings = new HashMap<>(fanout);
            fanoutSettings.put("STORYCAST_FANOUT_ENABLED", "true");
            forked = ForkedGateway.start("fan-out gateway", redis.url(), fanoutSettings);
            Map<String, String> servingSettings = new HashMap<>(Map.of(
                    "STORYCAST_LIVE_TOKEN_SECRET", LiveTokensForTests.SECRET,
                    "STORYCAST_METRICS_INTERVAL_MILLIS", "200"));
            servingSettings.putAll(serving);
            return new LiveFixture(redis, forked, TestGateway.start(redis.url(), servingSettings));
        } catch (RuntimeException | Error e) {
            if (forked != null) {
                forked.close();
            }
            redis.close();
            throw e;
        }
    }

    public TestRedis redis() {
        return redis;
    }

    public ForkedGateway fanout() {
        return fanout;
    }

    public TestGateway gateway() {
        return gateway;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Opens an SSE stream of the serving gateway with a good token in {@code Authorization}. */
    public SseClient sse(String platform, String subscriberId, String lastEventId) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", "Bearer " + LiveTokensForTests.valid(platform, subscriberId));
        if (lastEventId != null) {
            headers.put("Last-Event-ID", lastEventId);
        }
        return SseClient.connect(vertx, gateway.port(), "/v1/live/" + platform + "/" + subscriberId, headers);
    }

    public void audience(String platform, String authorId, List<String> members) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/audiences/" + platform + "/"
                        + authorId + "/default"))
                .header("Authorization", "Bearer " + PRODUCER_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonArray(List.copyOf(members)).encode())));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    public void mute(String platform, String subscriberId, String authorId) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/mutes/" + platform + "/"
                + subscriberId + "/" + authorId)).header("Authorization", "Bearer " + PRODUCER_KEY)
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    /** Posts events (one, or several as one NDJSON request) and expects every one accepted. */
    public void post(JsonObject... events) {
        StringBuilder body = new StringBuilder();
        for (JsonObject event : events) {
            body.append(event.encode()).append('\n');
        }
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Authorization", "Bearer " + PRODUCER_KEY)
                .header("Content-Type", events.length == 1 ? "application/json" : "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(events.length == 1 ? events[0].encode() : body.toString())));
        assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
        if (events.length > 1) {
            assertThat(new JsonObject(response.body()).getInteger("accepted")).isEqualTo(events.length);
        }
    }

    public void retract(String platform, String storyId) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories/" + platform + "/"
                + storyId)).header("Authorization", "Bearer " + PRODUCER_KEY).DELETE());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    /** @return the tray's first page (up to 100) as the tray API shows it */
    public List<JsonObject> tray(String platform, String subscriberId) {
        HttpResponse<String> response = gateway.getTray(platform, subscriberId, "limit=100");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonObject> stories = new ArrayList<>();
        new JsonObject(response.body()).getJsonArray("stories").forEach(story -> stories.add((JsonObject) story));
        return stories;
    }

    /** Waits until the subscriber's tray shows the story. */
    public JsonObject awaitInTray(String platform, String subscriberId, String storyId) {
        return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> tray(platform, subscriberId).stream()
                .filter(story -> storyId.equals(story.getString("storyId"))).findFirst().orElse(null), found -> found != null);
    }

    @Override
    public void close() {
        try {
            vertx.close().await();
        } catch (Exception e) {
            // the clients' Vert.x: nothing left to do
        } finally {
            try {
                gateway.close();
            } finally {
                fanout.close();
                redis.close();
            }
        }
    }
}
