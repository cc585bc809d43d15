package io.storycast.gateway.trays;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.testing.FanoutFixture;
import io.storycast.testing.LeakDetectionExtension;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.ProblemAssertions.assertProblem;
import static io.storycast.gateway.testing.FanoutFixture.story;
import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Reading trays over HTTP: order, paging, expiry, retraction tombstones, the cap, and who may read. */
@ExtendWith(LeakDetectionExtension.class)
class TrayApiTest {
    private static final int MAX_STORIES = 6;
    /** More than 32 trays on a master: more than one batch of 64 commands cleans. */
    private static final int ABANDONED_TRAYS_PER_MASTER = 40;
    private static final RedisKeys KEYS = new RedisKeys("storycast", TestGateway.STREAM_PARTITIONS);

    private static TestRedis redis;
    private static TestGateway gateway;
    private static FanoutFixture fixture;

    @BeforeAll
    static void start() {
        fixture = FanoutFixture.start(Map.of(
                "STORYCAST_TRAYS_MAX_STORIES", Integer.toString(MAX_STORIES),
                "STORYCAST_TRAYS_MAX_PAGE_SIZE", "50",
                "STORYCAST_TRAYS_SWEEP_INTERVAL_MILLIS", "50"));
        redis = fixture.redis();
        gateway = fixture.gateway();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    /** Posts stories by different authors the subscriber follows; returns their ids, oldest first. */
    private static List<String> postStoriesTo(String subscriber, int count, String sameTimeAs) {
        List<String> storyIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String author = "author-" + StoryEvents.newStoryId();
            fixture.audience("instagram", author, "default", List.of(subscriber));
            String storyId = StoryEvents.newStoryId();
            JsonObject event = story("instagram", storyId, author, "default", 30 - i);
            if (sameTimeAs != null && i >= count - 2) {
                event.put("createdAt", sameTimeAs); // the two newest share a timestamp
            }
            fixture.post(event);
            fixture.awaitFanoutDone("instagram", storyId);
            storyIds.add(storyId);
        }
        return storyIds;
    }

    @Test
    void traysArePagedNewestFirstWithoutSkippingOrRepeatingStoriesOfTheSameTime() {
        String subscriber = "reader-" + StoryEvents.newStoryId();
        String sameTime = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
        List<String> posted = postStoriesTo(subscriber, 5, sameTime);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> response = gateway.getTray("instagram", subscriber, "limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonObject page = new JsonObject(response.body());
            assertThat(page.getJsonArray("stories").size()).isLessThanOrEqualTo(2);
            page.getJsonArray("stories").forEach(story -> seen.add(((JsonObject) story).getString("storyId")));
            cursor = page.getString("next");
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
        assertThat(seen.subList(2, 5)).containsExactly(posted.get(2), posted.get(1), posted.get(0));
        assertThat(seen.subList(0, 2)).containsExactlyInAnyOrder(posted.get(3), posted.get(4));
    }

    @Test
    void expiredAndRetractedStoriesAreNeverReturnedAndLeaveTheTray() {
        String subscriber = "reader-" + StoryEvents.newStoryId();
        List<String> posted = postStoriesTo(subscriber, 3, null);
        // The first story's record expires now (as its expiresAt would make it); the second is retracted.
        await(redis.api().pexpireat(List.of(KEYS.story(Platform.INSTAGRAM, posted.get(0)),
                Long.toString(System.currentTimeMillis() - 1))));
        await(redis.api().hset(List.of(KEYS.story(Platform.INSTAGRAM, posted.get(1)), StoryRecord.RETRACTED,
                Long.toString(System.currentTimeMillis()))));

        assertThat(fixture.trayStoryIds("instagram", subscriber)).containsExactly(posted.get(2));
        String tray = KEYS.tray(Platform.INSTAGRAM, subscriber);
        org.awaitility.Awaitility.await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(await(redis.api().zcard(tray)).toInteger()).as("stale entries removed").isEqualTo(1));
    }

    @Test
    void aTrayKeepsAtMostTheConfiguredNumberOfStories() {
        String subscriber = "reader-" + StoryEvents.newStoryId();
        List<String> posted = postStoriesTo(subscriber, MAX_STORIES + 4, null);

        List<String> tray = fixture.trayStoryIds("instagram", subscriber);
        assertThat(tray).hasSize(MAX_STORIES);
        assertThat(tray.get(0)).isEqualTo(posted.get(posted.size() - 1));
        assertThat(await(redis.api().zcard(KEYS.tray(Platform.INSTAGRAM, subscriber))).toInteger()).isEqualTo(MAX_STORIES);
    }

    @Test
    void theJanitorEmptiesAndDeletesTraysWhoseStoriesAreAllPastTheirLifetime() {
        // On a Redis Cluster the trays land on every master, so the janitor must walk each; and each master
        // gets, in one write, more of them than a janitor batch of 64 commands (two per tray) could clean.
        long twoDaysAgo = System.currentTimeMillis() - 2 * 86_400_000L;
        List<String> abandoned = new ArrayList<>();
        List<Request> writes = new ArrayList<>();
        int[] perMaster = new int[redis.masters()];
        for (int tray = 0; Arrays.stream(perMaster).min().orElseThrow() < ABANDONED_TRAYS_PER_MASTER; tray++) {
            String key = KEYS.tray(Platform.FACEBOOK, "gone-" + tray + "-" + StoryEvents.newStoryId());
            int master = redis.masterOf(key);
            if (perMaster[master] == ABANDONED_TRAYS_PER_MASTER) {
                continue;
            }
            perMaster[master]++;
            writes.add(Request.cmd(Command.ZADD).arg(key).arg(twoDaysAgo).arg("instagram:old-1")
                    .arg(twoDaysAgo + 1).arg("instagram:old-2"));
            abandoned.add(key);
        }
        redis.batchPerMaster(writes);
        String live = KEYS.tray(Platform.FACEBOOK, "live-" + StoryEvents.newStoryId());
        await(redis.api().zadd(List.of(live, Long.toString(twoDaysAgo), "instagram:old-3",
                Long.toString(System.currentTimeMillis()), "instagram:new-1")));

        org.awaitility.Awaitility.await().atMost(FanoutFixture.deadline()).untilAsserted(() -> {
            for (String key : abandoned) {
                assertThat(await(redis.api().exists(List.of(key))).toInteger()).as("abandoned tray " + key).isZero();
            }
            assertThat(await(redis.api().zrange(List.of(live, "0", "-1"))).stream().map(Object::toString).toList())
                    .containsExactly("instagram:new-1");
        });
    }

    @Test
    void readingATrayNeedsAReaderKeyForItsPlatform() {
        String path = "/v1/trays/facebook/someone";
        assertProblem(gateway.send(HttpRequest.newBuilder(gateway.uri(path)).GET()), 401, "unauthorized");
        assertProblem(gateway.send(HttpRequest.newBuilder(gateway.uri(path))
                .header("Authorization", "Bearer " + TestGateway.PRODUCER_KEY).GET()), 401, "unauthorized");
        assertProblem(gateway.send(HttpRequest.newBuilder(gateway.uri(path))
                .header("Authorization", "Bearer " + TestGateway.INSTAGRAM_READER_KEY).GET()), 403, "forbidden-platform");
        HttpResponse<String> allowed = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/trays/instagram/someone"))
                .header("Authorization", "Bearer " + TestGateway.INSTAGRAM_READER_KEY).GET());
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(allowed.body()).getJsonArray("stories")).isEmpty();
    }

    @Test
    void badTrayQueriesAreRefusedNamingTheParameter() {
        JsonObject limit = assertProblem(gateway.getTray("instagram", "someone", "limit=51"), 400, "invalid-input");
        assertThat(limit.getString("field")).isEqualTo("limit");
        JsonObject cursor = assertProblem(gateway.getTray("instagram", "someone", "cursor=not-a-cursor"), 400, "invalid-input");
        assertThat(cursor.getString("field")).isEqualTo("cursor");
        JsonObject platform = assertProblem(gateway.getTray("myspace", "someone", ""), 400, "invalid-input");
        assertThat(platform.getString("field")).isEqualTo("platform");
        JsonObject subscriber = assertProblem(gateway.getTray("instagram", "bad%20id", ""), 400, "invalid-input");
        assertThat(subscriber.getString("field")).isEqualTo("subscriberId");
    }
}
