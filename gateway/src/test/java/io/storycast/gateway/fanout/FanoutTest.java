package io.storycast.gateway.fanout;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.testing.FanoutFixture;
import io.storycast.testing.LeakDetectionExtension;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.StoryStreamContents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.FanoutFixture.story;
import static io.storycast.gateway.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fan-out end to end, as its users drive it: preferences, audiences and mutes through the API, stories
 * posted over HTTP, trays read over HTTP; a real gateway with its fan-out workers and a real Redis. The
 * chunk size is small, so even these audiences take several chunks.
 */
@ExtendWith(LeakDetectionExtension.class)
class FanoutTest {
    private static TestRedis redis;
    private static TestGateway gateway;
    private static FanoutFixture fixture;

    @BeforeAll
    static void start() {
        fixture = FanoutFixture.start(Map.of("STORYCAST_FANOUT_CHUNK_SIZE", "7",
                "STORYCAST_FANOUT_CLAIM_INTERVAL_MILLIS", "100"));
        redis = fixture.redis();
        gateway = fixture.gateway();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static String id(String name) {
        return name + "-" + StoryEvents.newStoryId();
    }

    @Test
    void instagramStoryReachesTheAudiencesOfEveryPlatformThePreferenceNames() {
        String author = id("author");
        fixture.crossShare(author, new JsonObject().put("instagram", new JsonArray().add("facebook").add("whatsapp")));
        String follower = id("follower");
        String friend = id("friend");
        String contact = id("contact");
        fixture.audience("instagram", author, "default", List.of(follower));
        fixture.audience("facebook", author, "default", List.of(friend));
        fixture.audience("whatsapp", author, "default", List.of(contact));
        String storyId = id("story");
        fixture.post(story("instagram", storyId, author, "default", 1));

        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> {
            assertThat(fixture.trayStoryIds("instagram", follower)).containsExactly(storyId);
            assertThat(fixture.trayStoryIds("facebook", friend)).containsExactly(storyId);
            assertThat(fixture.trayStoryIds("whatsapp", contact)).containsExactly(storyId);
        });
        JsonObject onWhatsapp = fixture.tray("whatsapp", contact).getJsonObject(0);
        assertThat(onWhatsapp.getString("sourcePlatform")).isEqualTo("instagram");
        assertThat(onWhatsapp.getString("authorId")).isEqualTo(author);
        assertThat(onWhatsapp.getString("caption")).isEqualTo("story " + storyId);
        assertThat(onWhatsapp.getJsonObject("media")).isEqualTo(new JsonObject()
                .put("id", "media-" + storyId).put("kind", "image").put("platform", "whatsapp"));
        assertThat(onWhatsapp.getString("expiresAt")).isNotBlank();
    }

    @Test
    void facebookStoryReachesInstagramAndWhatsappStoryReachesMessenger() {
        String author = id("author");
        fixture.crossShare(author, new JsonObject().put("facebook", new JsonArray().add("instagram"))
                .put("whatsapp", new JsonArray().add("messenger")));
        String follower = id("follower");
        String messengerContact = id("contact");
        fixture.audience("instagram", author, "default", List.of(follower));
        fixture.audience("messenger", author, "default", List.of(messengerContact));
        String fromFacebook = id("fb-story");
        String fromWhatsapp = id("wa-story");
        fixture.post(story("facebook", fromFacebook, author, "default", 2));
        fixture.post(story("whatsapp", fromWhatsapp, author, "default", 1));

        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> {
            assertThat(fixture.trayStoryIds("instagram", follower)).containsExactly(fromFacebook);
            assertThat(fixture.trayStoryIds("messenger", messengerContact)).containsExactly(fromWhatsapp);
        });
    }

    @Test
    void storyWithoutPreferenceStaysOnItsSourcePlatform() {
        String author = id("author");
        String subscriber = id("subscriber");
        fixture.audience("instagram", author, "default", List.of(subscriber));
        fixture.audience("facebook", author, "default", List.of(subscriber));
        String storyId = id("story");
        fixture.post(story("instagram", storyId, author, "default", 1));

        fixture.awaitFanoutDone("instagram", storyId);
        assertThat(fixture.trayStoryIds("instagram", subscriber)).containsExactly(storyId);
        assertThat(fixture.trayStoryIds("facebook", subscriber)).isEmpty();
        assertThat(fixture.storyHash("instagram", storyId)).containsEntry("targets", "instagram");
    }

    @Test
    void shareToNarrowsThePreferenceButNeverWidensIt() {
        String author = id("author");
        fixture.crossShare(author, new JsonObject().put("instagram", new JsonArray().add("facebook").add("messenger")));
        String subscriber = id("subscriber");
        for (String platform : List.of("facebook", "whatsapp", "messenger")) {
            fixture.audience(platform, author, "default", List.of(subscriber));
        }
        String storyId = id("story");
        fixture.post(story("instagram", storyId, author, "default", 1)
                .put("shareTo", new JsonArray().add("facebook").add("whatsapp")));

        fixture.awaitFanoutDone("instagram", storyId);
        assertThat(fixture.trayStoryIds("facebook", subscriber)).containsExactly(storyId);
        assertThat(fixture.trayStoryIds("whatsapp", subscriber)).as("shareTo cannot widen").isEmpty();
        assertThat(fixture.trayStoryIds("messenger", subscriber)).as("shareTo narrowed it away").isEmpty();
    }

    @Test
    void closeFriendsStoryReachesOnlyTheSourcePlatformsCloseFriends() {
        String author = id("author");
        fixture.crossShare(author, new JsonObject().put("instagram", new JsonArray().add("facebook")));
        String follower = id("follower");
        String closeFriend = id("close");
        String friend = id("friend");
        fixture.audience("instagram", author, "default", List.of(follower));
        fixture.audience("instagram", author, "close_friends", List.of(closeFriend));
        fixture.audience("facebook", author, "default", List.of(friend, closeFriend));
        String storyId = id("story");
        fixture.post(story("instagram", storyId, author, "close_friends", 1));

        fixture.awaitFanoutDone("instagram", storyId);
        assertThat(fixture.trayStoryIds("instagram", closeFriend)).containsExactly(storyId);
        assertThat(fixture.trayStoryIds("instagram", follower)).isEmpty();
        assertThat(fixture.trayStoryIds("facebook", friend)).isEmpty();
        assertThat(fixture.trayStoryIds("facebook", closeFriend)).isEmpty();
    }

    @Test
    void subscribersWhoMutedTheAuthorDoNotGetTheStory() {
        String author = id("author");
        List<String> members = subscribers("member", 20);
        fixture.audience("instagram", author, "default", members);
        fixture.mute("instagram", members.get(3), author);
        fixture.mute("instagram", members.get(11), author);
        String storyId = id("story");
        fixture.post(story("instagram", storyId, author, "default", 1));

        fixture.awaitFanoutDone("instagram", storyId);
        for (int i = 0; i < members.size(); i++) {
            List<String> tray = fixture.trayStoryIds("instagram", members.get(i));
            if (i == 3 || i == 11) {
                assertThat(tray).as("muted subscriber %s", members.get(i)).isEmpty();
            } else {
                assertThat(tray).as("subscriber %s", members.get(i)).containsExactly(storyId);
            }
        }
        assertThat(fixture.storyHash("instagram", storyId)).containsEntry("written:instagram", "18");
    }

    @Test
    void audienceOfManyChunksReachesEveryMemberAndCountsTheWrites() {
        String author = id("author");
        List<String> members = subscribers("fan", 100);
        fixture.audience("facebook", author, "default", members);
        String storyId = id("story");
        fixture.post(story("facebook", storyId, author, "default", 1));

        fixture.awaitFanoutDone("facebook", storyId);
        for (String member : members) {
            assertThat(fixture.trayStoryIds("facebook", member)).as(member).containsExactly(storyId);
        }
        Map<String, String> hash = fixture.storyHash("facebook", storyId);
        assertThat(hash).containsEntry("written:facebook", "100").containsEntry("cursor:facebook", members.get(99));
    }

    @Test
    void entriesEveryStoryOfWhichIsDeliveredAreTrimmedFromTheStream() {
        String author = id("author");
        fixture.audience("instagram", author, "default", List.of(id("subscriber")));
        String storyId = id("story");
        fixture.post(story("instagram", storyId, author, "default", 1));
        fixture.awaitFanoutDone("instagram", storyId);

        RedisKeys keys = fixture.keys();
        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(StoryStreamContents.eventsOf(redis, keys, storyId)).as("entries left in the stream").isEmpty());
    }

    @Test
    void storyStateShowsTheStoryAndItsFanoutOnEveryTargetPlatform() {
        String author = id("author");
        fixture.crossShare(author, new JsonObject().put("instagram", new JsonArray().add("facebook")));
        fixture.audience("instagram", author, "default", subscribers("follower", 2));
        fixture.audience("facebook", author, "default", subscribers("friend", 1));
        String storyId = id("story");
        Instant postedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        fixture.post(story("instagram", storyId, author, "default", 1));
        fixture.awaitFanoutDone("instagram", storyId);

        HttpResponse<String> response = authorized("/v1/stories/instagram/" + storyId, TestGateway.PRODUCER_KEY).get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject state = new JsonObject(response.body());
        assertThat(state.getString("authorId")).isEqualTo(author);
        assertThat(state.getJsonObject("media")).isEqualTo(new JsonObject().put("id", "media-" + storyId).put("kind", "image"));
        assertThat(state.getString("retractedAt")).isNull();
        JsonObject fanout = state.getJsonObject("fanout");
        for (String target : List.of("instagram", "facebook")) {
            Instant finishedAt = Instant.parse((String) fanout.getJsonObject(target).remove("finishedAt"));
            assertThat(finishedAt).isBetween(postedAt, Instant.now());
        }
        assertThat(fanout).isEqualTo(new JsonObject()
                .put("instagram", new JsonObject().put("state", "done").put("written", 2).put("route", "push"))
                .put("facebook", new JsonObject().put("state", "done").put("written", 1).put("route", "push")));
    }

    @Test
    void aRetractedStoryDisappearsFromEveryTrayAtOnce() {
        String author = id("author");
        fixture.crossShare(author, new JsonObject().put("instagram", new JsonArray().add("facebook")));
        String subscriber = id("subscriber");
        fixture.audience("instagram", author, "default", List.of(subscriber));
        fixture.audience("facebook", author, "default", List.of(subscriber));
        String kept = id("kept");
        String retracted = id("retracted");
        fixture.post(story("instagram", kept, author, "default", 2));
        fixture.post(story("instagram", retracted, author, "default", 1));
        fixture.awaitFanoutDone("instagram", kept);
        fixture.awaitFanoutDone("instagram", retracted);
        assertThat(fixture.trayStoryIds("facebook", subscriber)).containsExactly(retracted, kept);

        assertThat(authorized("/v1/stories/instagram/" + retracted, TestGateway.PRODUCER_KEY).delete().statusCode()).isEqualTo(204);

        assertThat(fixture.trayStoryIds("instagram", subscriber)).containsExactly(kept);
        assertThat(fixture.trayStoryIds("facebook", subscriber)).containsExactly(kept);
        assertThat(authorized("/v1/stories/instagram/" + retracted, TestGateway.PRODUCER_KEY).delete().statusCode())
                .as("retracting again changes nothing").isEqualTo(204);
        JsonObject state = new JsonObject(authorized("/v1/stories/instagram/" + retracted, TestGateway.PRODUCER_KEY).get().body());
        assertThat(state.getString("retractedAt")).isNotNull();
    }

    @Test
    void aRetractionStopsAFanoutThatIsStillRunning() {
        String author = id("author");
        List<String> audience = subscribers("fan", 20_000); // about 2,900 chunks of 7: long enough to interrupt
        fixture.audience("messenger", author, "default", audience);
        String storyId = id("story");
        fixture.post(story("messenger", storyId, author, "default", 1));
        await().atMost(FanoutFixture.deadline()).pollInterval(Duration.ofMillis(2)).until(() -> fixture.storyHash("messenger", storyId).containsKey("written:messenger"));

        assertThat(authorized("/v1/stories/messenger/" + storyId, TestGateway.ALL_PLATFORMS_PRODUCER_KEY).delete().statusCode())
                .isEqualTo(204);

        RedisKeys keys = fixture.keys();
        String stream = keys.storyStream(keys.partitionOf(author));
        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> assertThat(
                TestRedis.await(redis.api().xpending(List.of(stream, RedisKeys.FANOUT_GROUP))).get(0).toLong())
                .as("entries of the partition still pending").isZero());
        long written = Long.parseLong(fixture.storyHash("messenger", storyId).get("written:messenger"));
        assertThat(written).as("the fan-out stopped part-way").isLessThan(audience.size());
        assertThat(fixture.trayStoryIds("messenger", audience.get(0))).isEmpty();
    }

    @Test
    void anUnknownStoryIs404AndAnotherPlatformsKeyIs403() {
        assertProblem(authorized("/v1/stories/instagram/no-such-story", TestGateway.PRODUCER_KEY).get(), 404, "story-not-found");
        assertProblem(authorized("/v1/stories/instagram/no-such-story", TestGateway.PRODUCER_KEY).delete(), 404, "story-not-found");
        assertProblem(authorized("/v1/stories/instagram/any", TestGateway.WHATSAPP_PRODUCER_KEY).delete(), 403, "forbidden-platform");
        assertProblem(authorized("/v1/stories/instagram/any", TestGateway.READER_KEY).get(), 401, "unauthorized");
    }

    /** A request with a bearer key, to send with get() or delete(). */
    private static KeyedRequest authorized(String path, String key) {
        return new KeyedRequest(path, key);
    }

    private record KeyedRequest(String path, String key) {
        HttpResponse<String> get() {
            return gateway.send(HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + key).GET());
        }

        HttpResponse<String> delete() {
            return gateway.send(HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + key).DELETE());
        }
    }

    @Test
    void aLargeFanoutFinishesWhileSmallStoriesKeepArriving() {
        String celebrity = id("author");
        List<String> audience = subscribers("fan", 1_400); // 200 chunks of 7: the bulk lane
        fixture.audience("whatsapp", celebrity, "default", audience);
        String friend = id("author");
        List<String> friends = subscribers("friend", 3); // one chunk: the express lane
        fixture.audience("whatsapp", friend, "default", friends);
        double pacedBefore = bulkBatchesPaced();
        String largeStory = id("story");
        fixture.post(story("whatsapp", largeStory, celebrity, "default", 1));

        // A small story begins every round trip of this loop, so the bulk lane never leaves its duty cycle; it must
        // finish all the same (a strict priority would starve it).
        List<String> smallStories = new ArrayList<>();
        Instant deadline = Instant.now().plus(FanoutFixture.deadline());
        while (!"done".equals(fixture.storyHash("whatsapp", largeStory).get("state:whatsapp"))) {
            assertThat(Instant.now()).as("the large fan-out finishes while small stories keep arriving").isBefore(deadline);
            String storyId = id("story");
            fixture.post(story("whatsapp", storyId, friend, "default", 1));
            smallStories.add(storyId);
        }

        // The pacing itself is LanePacerTest's; here, that the bulk lane is paced at all and still finishes.
        assertThat(bulkBatchesPaced() - pacedBefore).as("bulk batches sent at the duty cycle").isPositive();
        assertThat(fixture.trayStoryIds("whatsapp", audience.get(0))).containsExactly(largeStory);
        assertThat(fixture.trayStoryIds("whatsapp", audience.get(audience.size() - 1))).containsExactly(largeStory);
        fixture.awaitFanoutDone("whatsapp", smallStories.get(smallStories.size() - 1));
        // The newest of them (the tray keeps its 1,000 newest, and a slow machine's loop could post more).
        List<String> newest = smallStories.subList(Math.max(0, smallStories.size() - 100), smallStories.size()).stream()
                .map(storyId -> "whatsapp:" + storyId).toList();
        for (String member : friends) {
            await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                    assertThat(fixture.wholeTray("whatsapp", member, 100)).containsAll(newest));
        }
    }

    private static double bulkBatchesPaced() {
        return gateway.metrics().registry().get("storycast.fanout.bulk.paced").counter().count();
    }

    private static List<String> subscribers(String prefix, int count) {
        String base = id(prefix);
        List<String> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(base + String.format("-%05d", i)); // zero-padded: id order is list order
        }
        return members;
    }
}
