package io.storycast.gateway.fanout;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.testing.FanoutFixture;
import io.storycast.testing.LeakDetectionExtension;
import io.storycast.gateway.testing.ProblemAssertions;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.FanoutFixture.story;
import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the fan-out does when things go wrong: it resumes from its recorded progress, takes over the
 * entries of a consumer that died, dead-letters an event that cannot be decoded and an entry that fails on
 * every delivery, and loses nothing when Redis restarts in the middle of a fan-out.
 */
@ExtendWith(LeakDetectionExtension.class)
class FanoutRecoveryTest {
    private static final RedisKeys KEYS = new RedisKeys("storycast", TestGateway.STREAM_PARTITIONS);
    private static final int MAX_DELIVERIES = 3;

    private static TestRedis redis;
    private static TestGateway gateway;
    private static FanoutFixture fixture;

    @BeforeAll
    static void start() {
        fixture = FanoutFixture.start(Map.of(
                "STORYCAST_FANOUT_CHUNK_SIZE", "7",
                "STORYCAST_FANOUT_CLAIM_IDLE_MILLIS", "300",
                "STORYCAST_FANOUT_CLAIM_INTERVAL_MILLIS", "100",
                "STORYCAST_FANOUT_MAX_DELIVERIES", Integer.toString(MAX_DELIVERIES),
                // The large audiences here are pushed into every tray: that is what must survive the faults.
                "STORYCAST_FANOUT_OUTBOX_THRESHOLD", "1000000"));
        redis = fixture.redis();
        gateway = fixture.gateway();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static List<String> members(String prefix, int count) {
        String base = prefix + "-" + StoryEvents.newStoryId();
        List<String> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(base + String.format("-%04d", i));
        }
        return members;
    }

    /** The event as the stream stores it: canonical JSON with expiresAt. */
    private static JsonObject stored(JsonObject event) {
        Instant created = Instant.parse(event.getString("createdAt"));
        return event.copy().put("expiresAt", created.plusSeconds(86_400).toString());
    }

    @Test
    void aRedeliveredStoryResumesAfterTheLastChunkWritten() {
        String author = "author-" + StoryEvents.newStoryId();
        List<String> members = members("fan", 100);
        fixture.audience("facebook", author, "default", members);
        String storyId = StoryEvents.newStoryId();
        JsonObject event = story("facebook", storyId, author, "default", 1);
        // An earlier delivery wrote the record and the first 50 trays, then its worker died.
        String storyKey = KEYS.story(Platform.FACEBOOK, storyId);
        long createdAt = Instant.parse(event.getString("createdAt")).toEpochMilli();
        await(redis.api().hset(List.of(storyKey, "authorId", author, "createdAt", Long.toString(createdAt),
                "expiresAt", Long.toString(createdAt + 86_400_000), "audience", "default", "mediaId", "media-" + storyId,
                "mediaKind", "image", "entry", "0-1#0", "targets", "facebook",
                "state:facebook", "in_progress", "written:facebook", "50", "cursor:facebook", members.get(49))));
        await(redis.api().pexpireat(List.of(storyKey, Long.toString(createdAt + 86_400_000))));

        fixture.post(event);

        fixture.awaitFanoutDone("facebook", storyId);
        for (int i = 0; i < members.size(); i++) {
            List<String> tray = fixture.trayStoryIds("facebook", members.get(i));
            if (i < 50) {
                assertThat(tray).as("written before the resumption, so not written again: %s", members.get(i)).isEmpty();
            } else {
                assertThat(tray).as(members.get(i)).containsExactly(storyId);
            }
        }
        assertThat(fixture.storyHash("facebook", storyId)).containsEntry("written:facebook", "100");
    }

    @Test
    void theEntriesOfAConsumerThatDiedAreTakenOverAndFinished() {
        String author = "author-" + StoryEvents.newStoryId();
        String subscriber = "subscriber-" + StoryEvents.newStoryId();
        fixture.audience("instagram", author, "default", List.of(subscriber));
        String storyId = StoryEvents.newStoryId();
        String stream = KEYS.storyStream(KEYS.partitionOf(author));

        // Appended and read by a consumer "crashed" in one transaction, so no live worker reads it first.
        List<Response> replies = onOneConnection(List.of(
                Request.cmd(Command.MULTI),
                Request.cmd(Command.XADD).arg(stream).arg("*").arg("events")
                        .arg(stored(story("instagram", storyId, author, "default", 1)).encode()).arg("producer").arg("test"),
                Request.cmd(Command.XREADGROUP).arg("GROUP").arg(RedisKeys.FANOUT_GROUP).arg("crashed")
                        .arg("COUNT").arg(100).arg("STREAMS").arg(stream).arg(">"),
                Request.cmd(Command.EXEC)));
        String entryId = replies.get(3).get(0).toString();

        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(fixture.trayStoryIds("instagram", subscriber)).containsExactly(storyId));
        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(pendingIds(stream)).as("acknowledged by the worker that took it over").doesNotContain(entryId));
    }

    @Test
    void anEntryDoneWithIsTrimmedFromItsStream() {
        String author = "author-" + StoryEvents.newStoryId();
        String subscriber = "subscriber-" + StoryEvents.newStoryId();
        fixture.audience("instagram", author, "default", List.of(subscriber));
        String storyId = StoryEvents.newStoryId();
        String stream = KEYS.storyStream(KEYS.partitionOf(author));
        String entryId = await(redis.api().send(Command.XADD, stream, "*", "events",
                stored(story("instagram", storyId, author, "default", 1)).encode(), "producer", "test")).toString();

        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(fixture.trayStoryIds("instagram", subscriber)).containsExactly(storyId));
        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(await(redis.api().send(Command.XRANGE, stream, entryId, entryId)).size())
                        .as("the acknowledged entry is trimmed").isZero());
    }

    @Test
    void anEntryDeletedFromItsStreamWhilePendingIsAcknowledgedNotKeptPendingForGood() {
        String author = "author-" + StoryEvents.newStoryId();
        String stream = KEYS.storyStream(KEYS.partitionOf(author));

        // Appended, read by a consumer that then "crashed", and deleted by hand, in one script, so no live worker
        // reads or takes it over first. Redis 6.2's plain XAUTOCLAIM answers such an entry as nil, with no id, and
        // keeps it pending: it must not stay so.
        String entryId = await(redis.api().eval(List.of("""
                local id = redis.call('XADD', KEYS[1], '*', 'events', ARGV[1], 'producer', 'test')
                redis.call('XREADGROUP', 'GROUP', ARGV[2], 'crashed', 'COUNT', 100, 'STREAMS', KEYS[1], '>')
                redis.call('XDEL', KEYS[1], id)
                return id""", "1", stream,
                stored(story("instagram", StoryEvents.newStoryId(), author, "default", 1)).encode(),
                RedisKeys.FANOUT_GROUP))).toString();
        assertThat(pendingIds(stream)).as("pending, and gone from the stream").contains(entryId);

        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(pendingIds(stream)).as("acknowledged by the take-over").doesNotContain(entryId));
    }

    @Test
    void anEventThatDoesNotDecodeIsDeadLetteredAndTheRestOfItsEntryIsDelivered() {
        String author = "author-" + StoryEvents.newStoryId();
        String subscriber = "subscriber-" + StoryEvents.newStoryId();
        fixture.audience("instagram", author, "default", List.of(subscriber));
        String storyId = StoryEvents.newStoryId();
        int partition = KEYS.partitionOf(author);
        String broken = "{\"platform\":\"instagram\",\"storyId\":";
        String entryId = await(redis.api().xadd(List.of(KEYS.storyStream(partition), "*", "events",
                stored(story("instagram", storyId, author, "default", 1)).encode() + "\n" + broken, "producer", "test")))
                .toString();

        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(fixture.trayStoryIds("instagram", subscriber)).containsExactly(storyId));
        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> {
            Map<String, String> letter = deadLetterOf(partition, entryId);
            assertThat(letter).containsEntry("index", "1").containsEntry("event", broken);
            assertThat(letter.get("reason")).startsWith("undecodable: body json");
            assertThat(pendingIds(KEYS.storyStream(partition))).doesNotContain(entryId);
        });
    }

    @Test
    void operatorsListTheDeadLettersWithAnAdminKey() {
        String author = "author-" + StoryEvents.newStoryId();
        int partition = KEYS.partitionOf(author);
        String broken = "{\"platform\":\"facebook\",\"storyId\":\"" + StoryEvents.newStoryId() + "\"";
        String entryId = await(redis.api().xadd(List.of(KEYS.storyStream(partition), "*", "events", broken,
                "producer", "test"))).toString();
        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> deadLetterOf(partition, entryId));

        HttpResponse<String> counts = admin("/v1/admin/dead-letters", TestGateway.ADMIN_KEY);
        assertThat(counts.statusCode()).as(counts.body()).isEqualTo(200);
        JsonObject total = new JsonObject(counts.body());
        assertThat(total.getJsonArray("byPartition").getLong(partition)).isPositive();
        assertThat(total.getLong("total")).isGreaterThanOrEqualTo(total.getJsonArray("byPartition").getLong(partition));

        List<JsonObject> listed = new ArrayList<>();
        String after = null;
        do {
            HttpResponse<String> page = admin("/v1/admin/dead-letters/" + partition + "?limit=2"
                    + (after == null ? "" : "&after=" + after), TestGateway.ADMIN_KEY);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonObject body = new JsonObject(page.body());
            body.getJsonArray("deadLetters").forEach(letter -> listed.add((JsonObject) letter));
            after = body.getString("next");
        } while (after != null);
        assertThat(listed).anySatisfy(letter -> {
            assertThat(letter.getString("entry")).isEqualTo(entryId);
            assertThat(letter.getString("event")).isEqualTo(broken);
            assertThat(letter.getString("reason")).startsWith("undecodable");
        });

        ProblemAssertions.assertProblem(admin("/v1/admin/dead-letters", TestGateway.PRODUCER_KEY), 401, "unauthorized");
        JsonObject badPartition = ProblemAssertions.assertProblem(admin("/v1/admin/dead-letters/4", TestGateway.ADMIN_KEY),
                400, "invalid-input");
        assertThat(badPartition.getString("field")).isEqualTo("partition");
    }

    private static HttpResponse<String> admin(String path, String key) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + key).GET());
    }

    @Test
    void anEntryThatFailsOnEveryDeliveryEndsInTheDeadLetterStreamWithItsReason() {
        String author = "author-" + StoryEvents.newStoryId();
        List<String> audience = members("member", 3);
        fixture.audience("instagram", author, "default", audience);
        // A tray key holding a string: every delivery's tray write for this subscriber fails.
        await(redis.api().set(List.of(KEYS.tray(Platform.INSTAGRAM, audience.get(1)), "not a tray")));
        String storyId = StoryEvents.newStoryId();
        fixture.post(story("instagram", storyId, author, "default", 1));
        int partition = KEYS.partitionOf(author);

        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> {
            Map<String, String> letter = deadLetterWithStory(partition, storyId);
            assertThat(letter.get("reason")).startsWith("gave up after " + (MAX_DELIVERIES + 1) + " deliveries; instagram: ")
                    .contains("WRONGTYPE");
            assertThat(Long.parseLong(letter.get("deliveries"))).isGreaterThan(MAX_DELIVERIES);
            assertThat(pendingIds(KEYS.storyStream(partition))).doesNotContain(letter.get("entry"));
        });
        Map<String, String> hash = fixture.storyHash("instagram", storyId);
        assertThat(hash).containsEntry("state:instagram", "failed");
        assertThat(hash.get("reason:instagram")).contains("WRONGTYPE");
        assertThat(hash).doesNotContainKey("cursor:instagram"); // the failing chunk never counted as written
    }

    @Test
    void aRedisRestartInTheMiddleOfAFanoutLosesNoTrayWrite() {
        String author = "author-" + StoryEvents.newStoryId();
        List<String> audience = members("fan", 20_000); // about 2,900 chunks of 7: long enough to interrupt
        fixture.audience("whatsapp", author, "default", audience);
        String storyId = StoryEvents.newStoryId();
        fixture.post(story("whatsapp", storyId, author, "default", 1));
        await().atMost(FanoutFixture.deadline()).pollInterval(Duration.ofMillis(2)).until(() ->
                Long.parseLong(fixture.storyHash("whatsapp", storyId).getOrDefault("written:whatsapp", "0")) > 0);
        long writtenBeforeTheRestart = Long.parseLong(fixture.storyHash("whatsapp", storyId).get("written:whatsapp"));

        redis.server().stop();
        redis.server().start();

        fixture.awaitFanoutDone("whatsapp", storyId);
        long missing = audience.stream().filter(member -> await(redis.api()
                .zscore(KEYS.tray(Platform.WHATSAPP, member), RedisKeys.trayMember(Platform.WHATSAPP, storyId))) == null).count();
        assertThat(writtenBeforeTheRestart).as("the restart came in the middle of the fan-out").isLessThan(audience.size());
        assertThat(missing).as("trays without the story after the restart").isZero();
    }

    private static List<Response> onOneConnection(List<Request> requests) {
        Vertx vertx = Vertx.vertx();
        try {
            RedisConnection connection = await(redis.newClient(vertx).connect());
            List<Response> replies = await(connection.batch(requests));
            connection.close();
            return replies;
        } finally {
            vertx.close().await();
        }
    }

    private static List<String> pendingIds(String stream) {
        Response pending = await(redis.api().xpending(List.of(stream, RedisKeys.FANOUT_GROUP, "-", "+", "1000")));
        List<String> ids = new ArrayList<>();
        pending.forEach(entry -> ids.add(entry.get(0).toString()));
        return ids;
    }

    private static Map<String, String> deadLetterOf(int partition, String entryId) {
        return deadLetters(partition).stream().filter(letter -> entryId.equals(letter.get("entry"))).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter (yet) for entry " + entryId));
    }

    private static Map<String, String> deadLetterWithStory(int partition, String storyId) {
        return deadLetters(partition).stream().filter(letter -> letter.get("event").contains(storyId)).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter (yet) for story " + storyId));
    }

    private static List<Map<String, String>> deadLetters(int partition) {
        Response entries = await(redis.api().xrange(List.of(KEYS.deadLetters(partition), "-", "+")));
        List<Map<String, String>> letters = new ArrayList<>();
        for (Response entry : entries) {
            Response fields = entry.get(1);
            Map<String, String> letter = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                letter.put(fields.get(i).toString(), fields.get(i + 1).toString());
            }
            letters.add(letter);
        }
        return letters;
    }
}
