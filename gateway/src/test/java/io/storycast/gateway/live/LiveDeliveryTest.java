package io.storycast.gateway.live;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.testing.LiveFixture;
import io.storycast.gateway.testing.LiveTokensForTests;
import io.storycast.gateway.testing.LiveWebSocket;
import io.storycast.gateway.testing.SseClient;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.gateway.trays.TrayCursor;
import io.storycast.testing.LeakDetectionExtension;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.LiveFixture.DEADLINE;
import static io.storycast.gateway.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Live delivery across gateway processes ({@link LiveFixture}): the fan-out runs in another JVM, the subscribers are
 * connected to this one, and every story reaches them through Redis (the registry lookup, a publish on this process's
 * channel, or the broadcast of an outbox story or a retraction). Real SSE and WebSocket clients (Vert.x's), a real
 * Redis (a 3-master cluster in the cluster run), nothing mocked; waits poll with a deadline.
 */
@ExtendWith(LeakDetectionExtension.class)
class LiveDeliveryTest {
    /** Audiences above this many members go through their outbox (the fan-out gateway's setting). */
    private static final int OUTBOX_THRESHOLD = 3;
    /** Most stories a resumed connection is sent (the serving gateway's setting). */
    private static final int MAX_RESUME_STORIES = 2;
    private static LiveFixture live;

    @BeforeAll
    static void start() {
        live = LiveFixture.start(Map.of("STORYCAST_LIVE_MAX_RESUME_STORIES", Integer.toString(MAX_RESUME_STORIES)),
                Map.of("STORYCAST_FANOUT_OUTBOX_THRESHOLD", Integer.toString(OUTBOX_THRESHOLD)));
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    /** @return an instagram story by the author, created {@code secondsAgo} seconds ago (distinct times order a tray) */
    private static JsonObject story(String storyId, String authorId, long secondsAgo) {
        return new JsonObject()
                .put("platform", "instagram").put("storyId", storyId).put("authorId", authorId)
                .put("createdAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(secondsAgo).toString())
                .put("audience", "default")
                .put("media", new JsonObject().put("id", "media-" + storyId).put("kind", "image"))
                .put("caption", "live " + storyId);
    }

    private static String unique(String prefix) {
        return prefix + "-" + StoryEvents.newStoryId();
    }

    @Test
    void sseClientReceivesAStoryFannedOutByAnotherProcess() {
        String author = unique("author");
        String follower = unique("follower");
        live.audience("instagram", author, List.of(follower));
        try (SseClient stream = live.sse("instagram", follower, null)) {
            assertThat(stream.status()).as(stream.body()).isEqualTo(200);
            assertThat(stream.headers().get("Content-Type")).startsWith("text/event-stream");
            String storyId = unique("story");
            live.post(story(storyId, author, 30));

            SseClient.Event event = stream.awaitStory(storyId, DEADLINE);
            // The same entry as the tray API shows, and an id that is the story's place in the tray.
            assertThat(event.json()).isEqualTo(live.awaitInTray("instagram", follower, storyId));
            assertThat(TrayCursor.decode(event.id()).member()).isEqualTo("instagram:" + storyId);
            assertThat(event.json().getJsonObject("media").getString("platform")).isEqualTo("instagram");
        }
        // Measured where the connection is: the push latency stage and the pushes counter moved.
        await().atMost(DEADLINE).untilAsserted(() -> {
            JsonObject stages = new JsonObject(live.gateway().send(HttpRequest.newBuilder(
                    live.gateway().metricsUri("/v1/stats/latency")).GET()).body()).getJsonObject("stages");
            assertThat(stages.getJsonObject("live.push").getJsonObject("sinceStart").getLong("count")).isPositive();
            assertThat(stages.getJsonObject("e2e.push").getJsonObject("sinceStart").getLong("count")).isPositive();
        });
        assertThat(live.gateway().metrics().registry().get("storycast.live.pushes").tag("kind", "story").counter().count())
                .isPositive();
    }

    @Test
    void anSseStreamOverHttp2ReceivesAStory() {
        String author = unique("author");
        String follower = unique("follower");
        live.audience("instagram", author, List.of(follower));
        try (SseClient stream = SseClient.connect(live.vertx(), live.gateway().port(), "/v1/live/instagram/" + follower,
                Map.of("Authorization", "Bearer " + LiveTokensForTests.valid("instagram", follower)), HttpVersion.HTTP_2)) {
            assertThat(stream.status()).as(stream.body()).isEqualTo(200);
            assertThat(stream.version()).isEqualTo(HttpVersion.HTTP_2);
            String storyId = unique("story");
            live.post(story(storyId, author, 30));
            assertThat(stream.awaitStory(storyId, DEADLINE).json()).isEqualTo(live.awaitInTray("instagram", follower, storyId));
        }
    }

    @Test
    void webSocketClientReceivesAStoryFannedOutByAnotherProcess() {
        String author = unique("author");
        String follower = unique("follower");
        live.audience("instagram", author, List.of(follower));
        try (LiveWebSocket socket = LiveWebSocket.subscribe(live.vertx(), live.gateway().port(),
                LiveWebSocket.subscribeMessage(LiveTokensForTests.valid("instagram", follower), "instagram", follower, null))) {
            socket.awaitFrame(frame -> "subscribed".equals(frame.getString("type")), DEADLINE);
            String storyId = unique("story");
            live.post(story(storyId, author, 30));

            JsonObject frame = socket.awaitFrame(f -> "story".equals(f.getString("type"))
                    && storyId.equals(f.getJsonObject("story").getString("storyId")), DEADLINE);
            assertThat(frame.getJsonObject("story")).isEqualTo(live.awaitInTray("instagram", follower, storyId));
            assertThat(TrayCursor.decode(frame.getString("id")).member()).isEqualTo("instagram:" + storyId);
        }
    }

    @Test
    void resumingWithLastEventIdDeliversExactlyTheMissedStories() {
        String author = unique("author");
        String follower = unique("follower");
        live.audience("instagram", author, List.of(follower));
        String lastEventId = idOfAStorySeenBeforeLeaving(author, follower);
        // Posted while the client is away: in its tray, not pushed to it.
        String missed1 = unique("missed1");
        String missed2 = unique("missed2");
        live.post(story(missed1, author, 40));
        live.post(story(missed2, author, 35));
        live.awaitInTray("instagram", follower, missed1);
        live.awaitInTray("instagram", follower, missed2);

        try (SseClient resumed = live.sse("instagram", follower, lastEventId)) {
            assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
            resumed.awaitStory(missed2, DEADLINE);
            String after = unique("after");
            live.post(story(after, author, 20));
            resumed.awaitStory(after, DEADLINE);
            // Exactly what was missed, oldest first, then the new one: the story seen before is not sent again.
            assertThat(resumed.stories()).extracting(story -> story.getString("storyId")).containsExactly(missed1, missed2, after);
            List<SseClient.Event> events = resumed.events();
            assertThat(TrayCursor.decode(events.get(events.size() - 1).id()).member()).isEqualTo("instagram:" + after);
        }
    }

    @Test
    void resumingAlsoDeliversAMissedStoryOfALargeAudiencesOutbox() {
        String author = unique("celebrity");
        String member = unique("member");
        List<String> audience = List.of(member, unique("m"), unique("m"), unique("m"), unique("m"));
        live.audience("instagram", author, audience);
        String seen = unique("seen");
        String lastEventId;
        try (SseClient stream = live.sse("instagram", member, null)) {
            live.post(story(seen, author, 50));
            lastEventId = stream.awaitStory(seen, DEADLINE).id();
        }
        // Not in the member's tray: in the author's outbox, which the tray read merges.
        String missed = unique("missed");
        live.post(story(missed, author, 40));
        live.awaitInTray("instagram", member, missed);
        try (SseClient resumed = live.sse("instagram", member, lastEventId)) {
            resumed.awaitStory(missed, DEADLINE);
            assertThat(resumed.stories()).extracting(story -> story.getString("storyId")).containsExactly(missed);
        }
    }

    @Test
    void webSocketResumesFromItsLastEventId() {
        String author = unique("author");
        String follower = unique("follower");
        live.audience("instagram", author, List.of(follower));
        String token = LiveTokensForTests.valid("instagram", follower);
        String seen = unique("seen");
        String lastEventId;
        try (LiveWebSocket socket = LiveWebSocket.subscribe(live.vertx(), live.gateway().port(),
                LiveWebSocket.subscribeMessage(token, "instagram", follower, null))) {
            socket.awaitFrame(frame -> "subscribed".equals(frame.getString("type")), DEADLINE);
            live.post(story(seen, author, 50));
            lastEventId = socket.awaitFrame(frame -> "story".equals(frame.getString("type")), DEADLINE).getString("id");
        }
        String missed = unique("missed");
        live.post(story(missed, author, 40));
        live.awaitInTray("instagram", follower, missed);
        try (LiveWebSocket socket = LiveWebSocket.subscribe(live.vertx(), live.gateway().port(),
                LiveWebSocket.subscribeMessage(token, "instagram", follower, lastEventId))) {
            socket.awaitFrame(frame -> "story".equals(frame.getString("type")), DEADLINE);
            String after = unique("after");
            live.post(story(after, author, 20));
            await().atMost(DEADLINE).until(() -> socket.stories().size() == 2);
            assertThat(socket.stories()).extracting(story -> story.getString("storyId")).containsExactly(missed, after);
        }
    }

    @Test
    void aRetractionReachesTheConnectionThatWasSentTheStory() {
        String author = unique("author");
        String follower = unique("follower");
        live.audience("instagram", author, List.of(follower));
        try (SseClient stream = live.sse("instagram", follower, null)) {
            String storyId = unique("story");
            live.post(story(storyId, author, 30));
            stream.awaitStory(storyId, DEADLINE);

            live.retract("instagram", storyId);
            SseClient.Event retract = stream.awaitEvent(event -> "retract".equals(event.event()), DEADLINE);
            assertThat(retract.json()).isEqualTo(new JsonObject().put("storyId", storyId).put("sourcePlatform", "instagram"));
        }
    }

    @Test
    void anOutboxStoryReachesConnectedMembersWhoDidNotMuteTheAuthorOnly() {
        String author = unique("celebrity");
        String member = unique("member");
        String muting = unique("muting");
        String outsider = unique("outsider");
        List<String> audience = List.of(member, muting, unique("m"), unique("m"), unique("m"));
        live.audience("instagram", author, audience);
        assertThat(audience).hasSizeGreaterThan(OUTBOX_THRESHOLD);
        live.mute("instagram", muting, author);
        try (SseClient memberStream = live.sse("instagram", member, null);
             SseClient mutingStream = live.sse("instagram", muting, null);
             SseClient outsiderStream = live.sse("instagram", outsider, null)) {
            String storyId = unique("outbox-story");
            live.post(story(storyId, author, 30));
            SseClient.Event event = memberStream.awaitStory(storyId, DEADLINE);
            assertThat(event.json()).isEqualTo(live.awaitInTray("instagram", member, storyId));

            // A pushed story to the other two, posted after: once it arrived, the outbox story would have too.
            String neighbour = unique("neighbour");
            String sentinel = unique("sentinel");
            live.audience("instagram", neighbour, List.of(muting, outsider));
            live.post(story(sentinel, neighbour, 10));
            mutingStream.awaitStory(sentinel, DEADLINE);
            outsiderStream.awaitStory(sentinel, DEADLINE);
            assertThat(mutingStream.stories()).extracting(story -> story.getString("storyId")).containsExactly(sentinel);
            assertThat(outsiderStream.stories()).extracting(story -> story.getString("storyId")).containsExactly(sentinel);
        }
    }

    @Test
    void theFanoutGatewayWithoutSecretRefusesLiveConnectionsAndSaidSoAtStart() throws Exception {
        assertThat(live.fanout().log()).anyMatch(line -> line.contains("no live.tokenSecret")
                && line.contains("still publishes"));
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        live.fanout().uri("/v1/live/instagram/u-1"))
                .header("Authorization", "Bearer " + LiveTokensForTests.valid("instagram", "u-1")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject problem = assertProblem(response, 503, "live-not-configured");
        assertThat(problem.getString("limit")).isEqualTo("live.tokenSecret");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void theFanoutGatewayWithoutSecretSubscribesToNothing() {
        // PUBSUB and CLIENT LIST answer for the node asked: on a cluster, the subscriptions are spread over its nodes.
        assumeTrue("standalone".equals(live.redis().mode()), "one server sees every subscription");
        String fanoutInstance = live.fanout().log().stream().filter(line -> line.contains("no live.tokenSecret"))
                .map(line -> line.substring(line.lastIndexOf("(instance ") + "(instance ".length(), line.lastIndexOf(')')))
                .findFirst().orElseThrow();
        RedisKeys keys = TestGateway.keys();
        Response counts = TestRedis.await(live.redis().api().pubsub(List.of("NUMSUB", keys.liveBroadcastChannel(),
                keys.liveInstanceChannel(fanoutInstance))));
        assertThat(counts.get(1).toInteger()).as("subscribers of the broadcast channel: the serving gateway only").isEqualTo(1);
        assertThat(counts.get(3).toInteger()).as("subscribers of the fan-out gateway's channel").isZero();
        String pubsubClients = TestRedis.await(live.redis().api().client(List.of("LIST", "TYPE", "pubsub"))).toString();
        assertThat(pubsubClients.lines().filter(line -> !line.isBlank())).as(pubsubClients).hasSize(1);
    }

    @Test
    void aLostSubscriptionCutsConnectionsOffAndTheirResumeLosesNothing() {
        // CLIENT KILL answers for the node asked: on a cluster, the subscription may be on another one.
        assumeTrue("standalone".equals(live.redis().mode()), "one server holds the subscription");
        String author = unique("author");
        String follower = unique("follower");
        live.audience("instagram", author, List.of(follower));
        String before = unique("before");
        String during = unique("during");
        String after = unique("after");
        double lostBefore = cutOffs("subscription-lost");
        SseClient.Event hint;
        try (SseClient stream = live.sse("instagram", follower, null)) {
            live.post(story(before, author, 50));
            stream.awaitStory(before, DEADLINE);
            // The serving gateway's subscription breaks: what is published until it is made again is lost to it.
            assertThat(TestRedis.await(live.redis().api().client(List.of("KILL", "TYPE", "pubsub"))).toLong()).isPositive();
            hint = stream.awaitEvent(event -> "reconnect".equals(event.event()), DEADLINE);
            await().atMost(DEADLINE).until(stream::ended);
        }
        assertThat(hint.json().getString("reason")).isEqualTo("subscription-lost");
        assertThat(cutOffs("subscription-lost")).isEqualTo(lostBefore + 1);
        live.post(story(during, author, 40)); // accepted while the client is away
        live.awaitInTray("instagram", follower, during);

        // The client comes back with the hint's id (refused 503 until the gateway is subscribed again).
        SseClient resumed = await().atMost(DEADLINE).until(() -> {
            SseClient attempt = live.sse("instagram", follower, hint.json().getString("lastEventId"));
            if (attempt.status() != 200) {
                attempt.close();
                return null;
            }
            return attempt;
        }, attempt -> attempt != null);
        try (resumed) {
            resumed.awaitStory(during, DEADLINE);
            live.post(story(after, author, 30));
            resumed.awaitStory(after, DEADLINE);
            assertThat(resumed.stories()).extracting(story -> story.getString("storyId")).containsExactly(during, after);
        }
    }

    @Test
    void aResumeThatMissedMoreThanItIsSentIsToldToResync() {
        String author = unique("author");
        String follower = unique("follower");
        live.audience("instagram", author, List.of(follower));
        String lastEventId = idOfAStorySeenBeforeLeaving(author, follower);
        List<String> missed = List.of(unique("missed"), unique("missed"), unique("missed"));
        for (int i = 0; i < missed.size(); i++) {
            live.post(story(missed.get(i), author, 40 - i));
            live.awaitInTray("instagram", follower, missed.get(i));
        }
        try (SseClient resumed = live.sse("instagram", follower, lastEventId)) {
            SseClient.Event resync = resumed.awaitEvent(event -> "resync".equals(event.event()), DEADLINE);
            assertThat(resync.json().getString("reason")).contains("more than " + MAX_RESUME_STORIES);
            resumed.awaitStory(missed.get(2), DEADLINE);
            // The newest ones, oldest first: the client reads its tray for the one left out.
            assertThat(resumed.stories()).extracting(story -> story.getString("storyId"))
                    .containsExactly(missed.get(1), missed.get(2));
        }
    }

    private static double cutOffs(String reason) {
        return live.gateway().metrics().registry().get("storycast.live.cutoffs").tag("reason", reason).counter().count();
    }

    @Test
    void aMalformedLastEventIdIsRefusedWith400() {
        try (SseClient stream = live.sse("instagram", "u-resume", "not-an-id")) {
            assertThat(stream.status()).isEqualTo(400);
            assertThat(new JsonObject(stream.body()).getString("field")).isEqualTo("Last-Event-ID");
        }
    }

    /** Connects the follower, posts a story of the author's, and leaves once it arrived: @return its event id */
    private String idOfAStorySeenBeforeLeaving(String author, String follower) {
        String seen = unique("seen");
        try (SseClient stream = live.sse("instagram", follower, null)) {
            live.post(story(seen, author, 50));
            return stream.awaitStory(seen, DEADLINE).id();
        }
    }
}
