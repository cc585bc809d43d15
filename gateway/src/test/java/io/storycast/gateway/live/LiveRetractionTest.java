package io.storycast.gateway.live;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storycast.gateway.metrics.LiveCounters;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.MediaKind;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.storycast.gateway.testing.LiveTokensForTests;
import io.storycast.gateway.testing.SseClient;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.gateway.testing.StalledSse;
import io.storycast.testing.LeakDetectionExtension;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A retracted story is never pushed after its retraction, whatever the order things meet in: a fan-out's publish
 * still in flight when the story was retracted (it reaches the gateway after the retraction), and a push a
 * connection holds while it resumes. The pushes and retractions are published by a {@link LivePublisher} of the
 * test's own (the fan-out's code, on its own Redis connection), so the test picks their order; the connections are
 * real SSE clients of a real gateway on a real Redis (standalone: a cluster does not order messages published at
 * different nodes, which is the order these tests need).
 */
@ExtendWith(LeakDetectionExtension.class)
class LiveRetractionTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int CAPTION_CODE_POINTS = 100_000;
    /** About what one story of {@link #CAPTION_CODE_POINTS} four-byte characters takes on the wire. */
    private static final long LARGE_STORY_BYTES = 1_200_000;
    private static final RedisKeys KEYS = TestGateway.keys();
    private static final Vertx VERTX = Vertx.vertx();
    private static TestRedis redis;
    private static TestGateway gateway;
    private static SimpleMeterRegistry publisherMeters;
    private static LivePublisher publisher;
    private static Context publisherContext;

    @BeforeAll
    static void start() {
        redis = TestRedis.standalone();
        gateway = TestGateway.start(redis.url(), TestGateway.withFanout(Map.of(
                "STORYCAST_REDIS_MODE", "standalone", // whichever run this is
                "STORYCAST_LIVE_TOKEN_SECRET", LiveTokensForTests.SECRET,
                "STORYCAST_LIVE_MAX_QUEUED_EVENTS", "8",
                "STORYCAST_LIVE_WRITE_QUEUE_BYTES", "4096",
                "STORYCAST_INGEST_MAX_CAPTION_LENGTH", Integer.toString(CAPTION_CODE_POINTS),
                "STORYCAST_REDIS_COMMAND_TIMEOUT_MILLIS", "5000")));
        Redis client = redis.newClient(VERTX);
        publisherMeters = new SimpleMeterRegistry();
        publisher = new LivePublisher(client, KEYS, new LiveCounters(publisherMeters), 16, System::currentTimeMillis);
        publisherContext = VERTX.getOrCreateContext();
    }

    @AfterAll
    static void stop() {
        VERTX.close().await();
        gateway.close();
        redis.close();
    }

    @Test
    void aPushPublishedAfterItsStorysRetractionIsNotSentAndASentStoryIsRetractedOnce() {
        String subscriber = unique("subscriber");
        try (SseClient stream = SseClient.connect(VERTX, gateway.port(), "/v1/live/instagram/" + subscriber,
                Map.of("Authorization", "Bearer " + LiveTokensForTests.valid("instagram", subscriber)))) {
            assertThat(stream.status()).as(stream.body()).isEqualTo(200);
            StoryEvent sent = story(unique("sent"));
            StoryEvent late = story(unique("late"));
            StoryEvent sentinel = story(unique("sentinel"));
            publish(feed -> feed.pushed(sent, System.currentTimeMillis(), Platform.INSTAGRAM, List.of(subscriber)), "story", 1);
            stream.awaitStory(sent.storyId(), DEADLINE);

            // Both retracted while a fan-out's publish of each was in flight: the retractions arrive first.
            publish(feed -> {
                feed.retracted(Platform.INSTAGRAM, sent.storyId());
                feed.retracted(Platform.INSTAGRAM, late.storyId());
            }, "retract", 2);
            publish(feed -> {
                feed.pushed(sent, System.currentTimeMillis(), Platform.INSTAGRAM, List.of(subscriber));
                feed.pushed(late, System.currentTimeMillis(), Platform.INSTAGRAM, List.of(subscriber));
            }, "story", 3);
            // Published after them on the same connection, so received after them: once it is here, they were handled.
            publish(feed -> feed.pushed(sentinel, System.currentTimeMillis(), Platform.INSTAGRAM, List.of(subscriber)),
                    "story", 4);
            stream.awaitStory(sentinel.storyId(), DEADLINE);

            assertThat(stream.events()).extracting(event -> event.event() + " " + event.json().getString("storyId"))
                    .containsExactly("message " + sent.storyId(), "retract " + sent.storyId(),
                            "message " + sentinel.storyId());
        }
    }

    @Test
    void aRetractionDropsThePushOfItsStoryThatAResumingConnectionHolds() throws Exception {
        String author = unique("author");
        String subscriber = unique("resumer");
        audience(author, List.of(subscriber));
        String seen = unique("seen");
        String lastEventId;
        try (SseClient first = SseClient.connect(VERTX, gateway.port(), "/v1/live/instagram/" + subscriber,
                Map.of("Authorization", "Bearer " + LiveTokensForTests.valid("instagram", subscriber)))) {
            postStory(author, seen, 600, null);
            lastEventId = first.awaitStory(seen, DEADLINE).id();
        }
        // Missed while away: more than the socket buffers hold, so the resume's backlog waits for the client to read,
        // and the connection holds what is pushed meanwhile.
        int count = (int) (kernelSendBufferMax() / LARGE_STORY_BYTES) + 4;
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            missed.add(unique("missed"));
            postStory(author, missed.get(i), 120 - i, "\uD83D\uDE00".repeat(CAPTION_CODE_POINTS));
        }
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(trayIds(subscriber)).containsAll(missed));

        try (Socket resuming = openAndStopReading(subscriber, lastEventId)) {
            StoryEvent retracted = story(unique("retracted"));
            StoryEvent sentinel = story(unique("sentinel"));
            long storiesBefore = published("story");
            long retractionsBefore = published("retract");
            publish(feed -> feed.pushed(retracted, System.currentTimeMillis(), Platform.INSTAGRAM, List.of(subscriber)),
                    "story", storiesBefore + 1);
            publish(feed -> feed.retracted(Platform.INSTAGRAM, retracted.storyId()), "retract", retractionsBefore + 1);
            publish(feed -> feed.pushed(sentinel, System.currentTimeMillis(), Platform.INSTAGRAM, List.of(subscriber)),
                    "story", storiesBefore + 2);

            String received = readUntil(resuming, sentinel.storyId());
            for (String id : missed) {
                assertThat(received).contains("\"storyId\":\"" + id + "\"");
            }
            assertThat(received).doesNotContain(retracted.storyId());
        }
    }

    /** Runs {@code calls} on the publisher's event loop and waits until it published {@code kind} {@code total} times. */
    private static void publish(Consumer<LivePublisher> calls, String kind, long total) {
        publisherContext.runOnContext(v -> calls.accept(publisher));
        await().atMost(DEADLINE).until(() -> published(kind) >= total);
    }

    private static long published(String kind) {
        return (long) publisherMeters.get("storycast.live.published").tag("kind", kind).counter().count();
    }

    private static StoryEvent story(String storyId) {
        long now = System.currentTimeMillis();
        return new StoryEvent(Platform.INSTAGRAM, storyId, unique("author"), now - 30_000, now + 3_600_000,
                Audience.DEFAULT, "media-" + storyId, MediaKind.IMAGE, null, null);
    }

    private static String unique(String prefix) {
        return prefix + "-" + StoryEvents.newStoryId();
    }

    private static void audience(String author, List<String> members) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/audiences/instagram/" + author + "/default"))
                .header("Authorization", "Bearer " + TestGateway.ALL_PLATFORMS_PRODUCER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonArray(List.copyOf(members)).encode())));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static void postStory(String author, String storyId, int secondsAgo, String caption) {
        JsonObject story = new JsonObject().put("platform", "instagram").put("storyId", storyId).put("authorId", author)
                .put("createdAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(secondsAgo).toString())
                .put("audience", "default").put("media", new JsonObject().put("id", "m-" + storyId).put("kind", "image"));
        if (caption != null) {
            story.put("caption", caption);
        }
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Authorization", "Bearer " + TestGateway.ALL_PLATFORMS_PRODUCER_KEY)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(story.encode() + "\n")));
        assertThat(new JsonObject(response.body()).getInteger("accepted")).as(response.body()).isEqualTo(1);
    }

    private static List<String> trayIds(String subscriber) {
        HttpResponse<String> response = gateway.getTray("instagram", subscriber, "limit=100");
        List<String> ids = new ArrayList<>();
        new JsonObject(response.body()).getJsonArray("stories").forEach(story -> ids.add(((JsonObject) story).getString("storyId")));
        return ids;
    }

    /** Resumes a stream on a socket with a small receive buffer, reads up to its first story, and reads no more. */
    private static Socket openAndStopReading(String subscriberId, String lastEventId) throws IOException {
        return StalledSse.open(gateway.port(), subscriberId, LiveTokensForTests.valid("instagram", subscriberId),
                "Last-Event-ID: " + lastEventId, "data: ");
    }

    /** @return everything read from the socket until {@code marker} arrived */
    private static String readUntil(Socket socket, String marker) throws IOException {
        StringBuilder all = new StringBuilder();
        byte[] buffer = new byte[65536];
        InputStream in = socket.getInputStream();
        while (all.indexOf(marker, Math.max(0, all.length() - buffer.length - marker.length())) < 0) {
            int n = in.read(buffer);
            assertThat(n).as("the stream ended before " + marker).isNotNegative();
            all.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        return all.toString();
    }

    /** @return the largest send buffer Linux grows a socket's to (tcp_wmem's third value), 4 MiB when unknown */
    private static long kernelSendBufferMax() {
        try {
            String[] values = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Long.parseLong(values[2]);
        } catch (IOException | RuntimeException notLinux) {
            return 4L << 20;
        }
    }
}
