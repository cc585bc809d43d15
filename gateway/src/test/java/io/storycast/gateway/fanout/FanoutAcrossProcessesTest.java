package io.storycast.gateway.fanout;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.StoryRecords;
import io.storycast.gateway.testing.ForkedGateway;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.storycast.gateway.testing.FanoutFixture.story;
import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway processes consume the same streams: stories posted to either reach every tray they belong
 * in, and when the process in the middle of a large fan-out is killed with SIGKILL, the other takes its
 * entries over and finishes them. Nothing acknowledged is lost; a tray write done twice (by the dead
 * process past its last saved chunk, then again by the survivor) shows once.
 */
class FanoutAcrossProcessesTest {
    private static final RedisKeys KEYS = new RedisKeys("storycast", TestGateway.STREAM_PARTITIONS);
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int LARGE = 20_000;
    private static final int SMALL_AUTHORS = 40;
    private static final int SMALL = 5;
    private static TestRedis redis;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        redis = new TestRedis();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static Map<String, String> settings(String consumerName) {
        return Map.of("STORYCAST_FANOUT_ENABLED", "true",
                "STORYCAST_FANOUT_CONSUMER_NAME", consumerName,
                "STORYCAST_FANOUT_CHUNK_SIZE", "7",
                "STORYCAST_FANOUT_CLAIM_IDLE_MILLIS", "500",
                "STORYCAST_FANOUT_CLAIM_INTERVAL_MILLIS", "100",
                "STORYCAST_FANOUT_OUTBOX_THRESHOLD", "1000000");
    }

    @Test
    void theSurvivorFinishesTheFanoutOfAProcessKilledMidway() throws Exception {
        List<String> large = IntStream.range(0, LARGE).mapToObj(i -> String.format("fan-%05d", i)).toList();
        seed(Platform.WHATSAPP, "large-author", large);
        for (int a = 0; a < SMALL_AUTHORS; a++) {
            seed(Platform.WHATSAPP, "small-author-" + a, smallAudience(a));
        }
        try (ForkedGateway first = ForkedGateway.start("gateway a", redis.url(), settings("gw-a"));
             ForkedGateway second = ForkedGateway.start("gateway b", redis.url(), settings("gw-b"))) {
            post(first, story("whatsapp", "large-story", "large-author", "default", 1));
            for (int a = 0; a < SMALL_AUTHORS; a++) {
                post(a % 2 == 0 ? first : second, story("whatsapp", "small-story-" + a, "small-author-" + a, "default", 1));
            }
            Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(2)).until(() ->
                    Long.parseLong(hash("large-story").getOrDefault("written:whatsapp", "0")) > 0);
            String holder = consumerHolding(KEYS.partitionOf("large-author"));
            ForkedGateway victim = holder.startsWith("gw-a") ? first : second;
            ForkedGateway survivor = victim == first ? second : first;

            victim.kill();
            long writtenAtTheKill = Long.parseLong(hash("large-story").get("written:whatsapp"));

            Awaitility.await().atMost(DEADLINE).untilAsserted(() ->
                    assertThat(hash("large-story")).containsEntry("state:whatsapp", "done"));
            assertThat(writtenAtTheKill).as("the kill came in the middle of the fan-out").isLessThan(LARGE);
            assertThat(missingFrom(large, "large-story")).as("trays without the large story").isZero();
            for (int a = 0; a < SMALL_AUTHORS; a++) {
                String storyId = "small-story-" + a;
                Awaitility.await().atMost(DEADLINE).untilAsserted(() ->
                        assertThat(hash(storyId)).containsEntry("state:whatsapp", "done"));
                assertThat(missingFrom(smallAudience(a), storyId)).as("trays without %s", storyId).isZero();
            }
            assertThat(trayStoryIds(survivor, "fan-00000")).as("a story written twice shows once").containsExactly("large-story");
            Awaitility.await().atMost(DEADLINE).untilAsserted(() -> {
                for (int partition = 0; partition < KEYS.partitions(); partition++) {
                    assertThat(pending(partition)).as("entries still pending on partition %d", partition).isZero();
                }
            });
        }
    }

    private static List<String> smallAudience(int author) {
        return IntStream.range(0, SMALL).mapToObj(i -> "reader-" + author + "-" + i).toList();
    }

    private static void seed(Platform platform, String authorId, List<String> members) {
        List<String> args = new ArrayList<>();
        args.add(KEYS.audience(platform, authorId, Audience.DEFAULT));
        members.forEach(member -> {
            args.add("0");
            args.add(member);
        });
        await(redis.api().zadd(args));
    }

    private void post(ForkedGateway gateway, JsonObject event) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Authorization", "Bearer " + TestGateway.ALL_PLATFORMS_PRODUCER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event.encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private List<String> trayStoryIds(ForkedGateway gateway, String subscriberId) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.uri("/v1/trays/whatsapp/" + subscriberId))
                .header("Authorization", "Bearer " + TestGateway.READER_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        new JsonObject(response.body()).getJsonArray("stories").forEach(story -> ids.add(((JsonObject) story).getString("storyId")));
        return ids;
    }

    private static Map<String, String> hash(String storyId) {
        return StoryRecords.asMap(await(redis.api().hgetall(KEYS.story(Platform.WHATSAPP, storyId))));
    }

    /** @return the consumer holding the oldest pending entry of a partition */
    private static String consumerHolding(int partition) {
        Response pending = await(redis.api().xpending(List.of(KEYS.storyStream(partition), RedisKeys.FANOUT_GROUP, "-", "+", "1")));
        assertThat(pending.size()).as("pending entries of partition %d", partition).isPositive();
        return pending.get(0).get(1).toString();
    }

    private static long pending(int partition) {
        return await(redis.api().xpending(List.of(KEYS.storyStream(partition), RedisKeys.FANOUT_GROUP))).get(0).toLong();
    }

    /** @return how many of {@code members} lack the story in their whatsapp tray */
    private static long missingFrom(List<String> members, String storyId) {
        String member = RedisKeys.trayMember(Platform.WHATSAPP, storyId);
        return members.stream().filter(subscriber ->
                await(redis.api().zscore(KEYS.tray(Platform.WHATSAPP, subscriber), member)) == null).count();
    }
}
