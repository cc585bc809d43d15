package io.storycast.gateway.fanout;

import io.storycast.gateway.testing.FanoutFixture;
import io.storycast.testing.LeakDetectionExtension;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.storycast.gateway.testing.FanoutFixture.story;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hybrid fan-out: the same audiences, preferences, mutes and stories go through two gateways, each
 * with its own Redis, one with the outbox threshold above every audience (everything pushed into trays),
 * one below the large ones (their stories go to outboxes that tray reads merge); every subscriber's
 * whole tray, read page by page, is the same in both. Then what only the outbox route has to get right:
 * members who join or leave later, mutes, retraction, an audience that grows past the threshold.
 */
@ExtendWith(LeakDetectionExtension.class)
class HybridFanoutTest {
    private static final int LARGE = 30;
    private static final int THRESHOLD = 10;
    private static final List<String> FOLLOWERS = IntStream.rangeClosed(1, LARGE).mapToObj(i -> "f" + i).toList();
    private static final List<String> CLOSE_FRIENDS = FOLLOWERS.subList(0, 5);

    private static FanoutFixture pushOnly;
    private static FanoutFixture hybrid;

    @BeforeAll
    static void start() {
        pushOnly = FanoutFixture.start(Map.of("STORYCAST_FANOUT_CHUNK_SIZE", "7",
                "STORYCAST_FANOUT_OUTBOX_THRESHOLD", "1000000"));
        hybrid = FanoutFixture.start(Map.of("STORYCAST_FANOUT_CHUNK_SIZE", "7",
                "STORYCAST_FANOUT_OUTBOX_THRESHOLD", Integer.toString(THRESHOLD),
                // A fan-out cut by the Redis restart is retried soon.
                "STORYCAST_FANOUT_CLAIM_IDLE_MILLIS", "300",
                "STORYCAST_FANOUT_CLAIM_INTERVAL_MILLIS", "100"));
    }

    @AfterAll
    static void stop() {
        pushOnly.close();
        hybrid.close();
    }

    @Test
    void everySubscriberSeesTheSameTrayWithTheThresholdOnEitherSideOfTheAudiences() {
        // A celebrity with 30 followers and friends (above the hybrid threshold), 5 close friends (below),
        // sharing both ways between instagram and facebook; a small author; a mute; stories of every kind.
        List<JsonObject> stories = new ArrayList<>();
        stories.add(story("instagram", "ig-public-1", "celeb", "default", 50));
        stories.add(story("instagram", "ig-close", "celeb", "close_friends", 40));
        stories.add(story("instagram", "ig-small", "small", "default", 45));
        stories.add(story("facebook", "fb-public", "celeb", "default", 30));
        stories.add(story("instagram", "ig-public-2", "celeb", "default", 20));
        stories.add(story("instagram", "ig-same-time", "small", "default", 20));
        stories.add(story("instagram", "ig-public-3", "celeb", "default", 20));
        for (FanoutFixture side : List.of(pushOnly, hybrid)) {
            side.crossShare("celeb", new JsonObject().put("instagram", new JsonArray().add("facebook"))
                    .put("facebook", new JsonArray().add("instagram")));
            side.audience("instagram", "celeb", "default", FOLLOWERS);
            side.audience("facebook", "celeb", "default", FOLLOWERS.subList(10, LARGE));
            side.audience("instagram", "celeb", "close_friends", CLOSE_FRIENDS);
            side.audience("instagram", "small", "default", List.of("f1", "f2", "f29"));
            side.mute("instagram", "f29", "celeb");
            stories.forEach(side::post);
            stories.forEach(event -> side.awaitFanoutDone(event.getString("platform"), event.getString("storyId")));
        }

        Map<String, List<String>> pushed = trays(pushOnly);
        Map<String, List<String>> merged = trays(hybrid);
        assertThat(merged).isEqualTo(pushed);
        // Stories of the same time: the greater member first, as everywhere in a tray.
        assertThat(pushed.get("instagram/f1")).containsExactly("instagram:ig-same-time", "instagram:ig-public-3",
                "instagram:ig-public-2",
                "facebook:fb-public", "instagram:ig-close", "instagram:ig-small", "instagram:ig-public-1");
        assertThat(pushed.get("instagram/f29")).as("f29 muted the celebrity on instagram")
                .containsExactly("instagram:ig-same-time", "instagram:ig-small");
        assertThat(pushed.get("facebook/f12")).containsExactly("instagram:ig-public-3", "instagram:ig-public-2", "facebook:fb-public",
                "instagram:ig-public-1");
        assertThat(pushed.get("facebook/f2")).isEmpty();

        assertThat(route(hybrid, "ig-public-1", "instagram")).isEqualTo("outbox");
        assertThat(route(hybrid, "ig-public-1", "facebook")).isEqualTo("outbox");
        assertThat(route(hybrid, "ig-close", "instagram")).isEqualTo("push");
        assertThat(route(pushOnly, "ig-public-1", "instagram")).isEqualTo("push");
    }

    /**
     * Gives an instagram author {@link #LARGE} followers {@code <memberPrefix>1...}, posts the stories (one
     * minute apart, the last newest) and waits until each went to the outbox.
     */
    private static void postToLargeAudience(String authorId, String memberPrefix, String... storyIds) {
        hybrid.audience("instagram", authorId, "default",
                IntStream.rangeClosed(1, LARGE).mapToObj(i -> memberPrefix + i).toList());
        for (int i = 0; i < storyIds.length; i++) {
            hybrid.post(story("instagram", storyIds[i], authorId, "default", 5 + storyIds.length - i));
        }
        for (String storyId : storyIds) {
            hybrid.awaitFanoutDone("instagram", storyId);
            assertThat(route(hybrid, storyId, "instagram")).as("route of %s", storyId).isEqualTo("outbox");
        }
    }

    /** @return the route an instagram story took to {@code target}, as its state shows it */
    private static String route(FanoutFixture side, String storyId, String target) {
        return side.storyState("instagram", storyId).getJsonObject("fanout").getJsonObject(target).getString("route");
    }

    /** @return every tray of the data set, read whole in pages of 2 (so pages cut across tray and outboxes) */
    private static Map<String, List<String>> trays(FanoutFixture side) {
        Map<String, List<String>> trays = new LinkedHashMap<>();
        for (String platform : List.of("instagram", "facebook")) {
            for (String subscriber : FOLLOWERS) {
                trays.put(platform + "/" + subscriber, side.wholeTray(platform, subscriber, 2));
            }
        }
        return trays;
    }

    @Test
    void memberWhoJoinsALinkedAudienceLaterSeesItsOutboxAndOneWhoLeavesDoesNot() {
        postToLargeAudience("celeb-join", "joiner-base-", "join-1");

        hybrid.audience("instagram", "celeb-join", "default", List.of("late-joiner"));
        hybrid.removeFromAudience("instagram", "celeb-join", "default", List.of("joiner-base-1"));

        assertThat(hybrid.trayStoryIds("instagram", "late-joiner")).containsExactly("join-1");
        assertThat(hybrid.trayStoryIds("instagram", "joiner-base-1")).isEmpty();
        assertThat(hybrid.trayStoryIds("instagram", "joiner-base-2")).containsExactly("join-1");
    }

    @Test
    void muteAndUnmuteApplyToOutboxStoriesWhenTheTrayIsRead() {
        postToLargeAudience("celeb-mute", "muter-", "mute-1");
        assertThat(hybrid.trayStoryIds("instagram", "muter-1")).containsExactly("mute-1");

        hybrid.mute("instagram", "muter-1", "celeb-mute");
        assertThat(hybrid.trayStoryIds("instagram", "muter-1")).isEmpty();
        hybrid.unmute("instagram", "muter-1", "celeb-mute");
        assertThat(hybrid.trayStoryIds("instagram", "muter-1")).containsExactly("mute-1");
    }

    @Test
    void retractedOutboxStoryIsNeverShownAgain() {
        postToLargeAudience("celeb-retract", "retract-reader-", "retract-1", "retract-2");
        assertThat(hybrid.trayStoryIds("instagram", "retract-reader-7")).containsExactly("retract-2", "retract-1");

        HttpResponse<String> deleted = hybrid.gateway().send(HttpRequest.newBuilder(
                        hybrid.gateway().uri("/v1/stories/instagram/retract-2"))
                .header("Authorization", "Bearer " + TestGateway.ALL_PLATFORMS_PRODUCER_KEY)
                .DELETE());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);

        assertThat(hybrid.trayStoryIds("instagram", "retract-reader-7")).containsExactly("retract-1");
        assertThat(hybrid.trayStoryIds("instagram", "retract-reader-8")).containsExactly("retract-1");
    }

    @Test
    void audienceThatGrowsPastTheThresholdKeepsItsPushedStoriesAndAddsOutboxOnes() {
        hybrid.audience("instagram", "rising", "default", List.of("fan-1", "fan-2"));
        hybrid.post(story("instagram", "rising-pushed", "rising", "default", 9));
        hybrid.awaitFanoutDone("instagram", "rising-pushed");
        hybrid.audience("instagram", "rising", "default",
                IntStream.rangeClosed(3, LARGE).mapToObj(i -> "fan-" + i).toList());
        hybrid.post(story("instagram", "rising-outbox", "rising", "default", 8));
        hybrid.awaitFanoutDone("instagram", "rising-outbox");

        assertThat(route(hybrid, "rising-pushed", "instagram")).isEqualTo("push");
        assertThat(route(hybrid, "rising-outbox", "instagram")).isEqualTo("outbox");
        assertThat(hybrid.trayStoryIds("instagram", "fan-1")).containsExactly("rising-outbox", "rising-pushed");
        assertThat(hybrid.trayStoryIds("instagram", "fan-30")).containsExactly("rising-outbox");
    }

    @Test
    void aRedisRestartWhileALargeAudienceIsLinkedLeavesEveryMemberLinked() {
        List<String> members = IntStream.rangeClosed(1, 20_000).mapToObj(i -> "linked-" + i).toList(); // ~2,900 chunks
        hybrid.audience("whatsapp", "celeb-restart", "default", members);
        hybrid.post(story("whatsapp", "restart-1", "celeb-restart", "default", 1));
        await().atMost(FanoutFixture.deadline()).pollInterval(Duration.ofMillis(2)).until(() ->
                Long.parseLong(hybrid.storyHash("whatsapp", "restart-1").getOrDefault("written:whatsapp", "0")) > 0);
        long linkedBeforeTheRestart = Long.parseLong(hybrid.storyHash("whatsapp", "restart-1").get("written:whatsapp"));

        hybrid.redis().server().stop();
        hybrid.redis().server().start();

        hybrid.awaitFanoutDone("whatsapp", "restart-1");
        String link = "default:celeb-restart";
        long unlinked = members.stream().filter(member -> TestRedis.await(hybrid.redis().api()
                .sismember(hybrid.keys().outboxLinks(Platform.WHATSAPP, member), link)).toInteger() == 0).count();
        assertThat(linkedBeforeTheRestart).as("the restart came in the middle of the linking").isLessThan(members.size());
        assertThat(unlinked).as("members not linked to the outbox after the restart").isZero();
        assertThat(hybrid.trayStoryIds("whatsapp", "linked-19999")).containsExactly("restart-1");
        assertThat(TestRedis.await(hybrid.redis().api().get(
                hybrid.keys().outboxLinkState(Platform.WHATSAPP, "celeb-restart", Audience.DEFAULT))).toString())
                .isEqualTo("linked");
    }
}
