package io.storycast.gateway.testing;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.StoryRecords;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Redis and a gateway with its fan-out on, for one test class; and the way its users drive the
 * fan-out, through the gateway's HTTP API: preferences, audiences, mutes, story posts and tray reads. It
 * waits for the fan-out by watching what it writes (with a deadline, polling, never sleeping a fixed time).
 * Every call uses the test configuration's producer key that is allowed for all platforms.
 */
public final class FanoutFixture implements AutoCloseable {
    private static final Duration FANOUT_DEADLINE = Duration.ofSeconds(20);
    private static final String PRODUCER_KEY = TestGateway.ALL_PLATFORMS_PRODUCER_KEY;

    private final TestRedis redis;
    private final TestGateway gateway;
    private final RedisKeys keys;

    private FanoutFixture(TestRedis redis, TestGateway gateway) {
        this.redis = redis;
        this.gateway = gateway;
        this.keys = TestGateway.keys();
    }

    /**
     * Starts a Redis and a gateway with the fan-out on; close it in {@code @AfterAll}.
     *
     * @param overrides extra {@code STORYCAST_*} settings
     */
    public static FanoutFixture start(Map<String, String> overrides) {
        TestRedis redis = new TestRedis();
        try {
            return new FanoutFixture(redis, TestGateway.start(redis.url(), TestGateway.withFanout(overrides)));
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    public TestRedis redis() {
        return redis;
    }

    public TestGateway gateway() {
        return gateway;
    }

    /** @return the key layout of the test configuration */
    public RedisKeys keys() {
        return keys;
    }

    @Override
    public void close() {
        gateway.close();
        redis.close();
    }

    public void crossShare(String authorId, JsonObject preference) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/authors/" + authorId + "/cross-share"))
                .header("Authorization", "Bearer " + PRODUCER_KEY)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(preference.encode())));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 204);
    }

    public void audience(String platform, String authorId, String list, List<String> members) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/audiences/" + platform + "/" + authorId + "/" + list))
                .header("Authorization", "Bearer " + PRODUCER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonArray(List.copyOf(members)).encode())));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** Removes members from an audience through the bulk API. */
    public void removeFromAudience(String platform, String authorId, String list, List<String> members) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/audiences/" + platform + "/" + authorId + "/" + list + "/remove"))
                .header("Authorization", "Bearer " + PRODUCER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonArray(List.copyOf(members)).encode())));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    public void mute(String platform, String subscriberId, String authorId) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/mutes/" + platform + "/" + subscriberId + "/" + authorId))
                .header("Authorization", "Bearer " + PRODUCER_KEY)
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    public void unmute(String platform, String subscriberId, String authorId) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/mutes/" + platform + "/" + subscriberId + "/" + authorId))
                .header("Authorization", "Bearer " + PRODUCER_KEY)
                .DELETE());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    /** @return an event without {@code shareTo}, created {@code minutesAgo} minutes ago */
    public static JsonObject story(String platform, String storyId, String authorId, String audience, long minutesAgo) {
        return new JsonObject()
                .put("platform", platform)
                .put("storyId", storyId)
                .put("authorId", authorId)
                .put("createdAt", Instant.now().minus(minutesAgo, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString())
                .put("audience", audience)
                .put("media", new JsonObject().put("id", "media-" + storyId).put("kind", "image"))
                .put("caption", "story " + storyId);
    }

    /** Posts one event with the producer key of its platform and expects it accepted. */
    public void post(JsonObject event) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Authorization", "Bearer " + PRODUCER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event.encode())));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /** @return the stories of a tray's first page (up to 50) */
    public JsonArray tray(String platform, String subscriberId) {
        HttpResponse<String> response = gateway.getTray(platform, subscriberId, "limit=50");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body()).getJsonArray("stories");
    }

    /**
     * Reads a whole tray page by page, following each page's {@code next} cursor.
     *
     * @param pageSize stories per page
     * @return the story ids, newest first, as {@code "<sourcePlatform>:<storyId>"}
     */
    public List<String> wholeTray(String platform, String subscriberId, int pageSize) {
        List<String> stories = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 1000; page++) {
            HttpResponse<String> response = gateway.getTray(platform, subscriberId,
                    "limit=" + pageSize + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonObject body = new JsonObject(response.body());
            body.getJsonArray("stories").forEach(story -> stories.add(((JsonObject) story).getString("sourcePlatform")
                    + ":" + ((JsonObject) story).getString("storyId")));
            cursor = body.getString("next");
            if (cursor == null) {
                return stories;
            }
        }
        throw new AssertionError("tray " + platform + "/" + subscriberId + " did not end within 1000 pages");
    }

    /** @return the story's state as {@code GET /v1/stories/{platform}/{storyId}} answers it */
    public JsonObject storyState(String platform, String storyId) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories/" + platform + "/" + storyId))
                .header("Authorization", "Bearer " + PRODUCER_KEY).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    /** @return the story ids in a tray, newest first */
    public List<String> trayStoryIds(String platform, String subscriberId) {
        List<String> ids = new ArrayList<>();
        tray(platform, subscriberId).forEach(story -> ids.add(((JsonObject) story).getString("storyId")));
        return ids;
    }

    /** Waits until the story's fan-out is done on every target platform it resolved. */
    public void awaitFanoutDone(String platform, String storyId) {
        await().atMost(FANOUT_DEADLINE).untilAsserted(() -> {
            Map<String, String> hash = storyHash(platform, storyId);
            assertThat(hash).containsKey("targets");
            for (String target : hash.get("targets").split(",")) {
                assertThat(hash).as("fan-out state of %s on %s", storyId, target).containsEntry("state:" + target, "done");
            }
        });
    }

    /** @return the story's hash (record and fan-out progress) as Redis holds it */
    public Map<String, String> storyHash(String platform, String storyId) {
        return new TreeMap<>(StoryRecords.asMap(await(redis.api().hgetall(keys.story(Platform.fromWireName(platform), storyId)))));
    }

    public static Duration deadline() {
        return FANOUT_DEADLINE;
    }
}
