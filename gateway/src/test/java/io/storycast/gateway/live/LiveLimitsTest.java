package io.storycast.gateway.live;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.testing.ForkedGateway;
import io.storycast.gateway.testing.KernelSockets;
import io.storycast.gateway.testing.LiveTokensForTests;
import io.storycast.gateway.testing.LiveWebSocket;
import io.storycast.gateway.testing.SseClient;
import io.storycast.gateway.testing.StalledWebSocket;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.gateway.testing.StalledSse;
import io.storycast.testing.LeakDetectionExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.storycast.gateway.testing.ProblemAssertions.assertProblem;
import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bounds of live delivery, on real connections: a client that never reads is cut off while another keeps
 * receiving; past {@code live.maxConnections} a connection is refused 503 with {@code Retry-After}; an idle
 * connection gets heartbeats; a connection's registration in Redis goes when it closes, and a killed process's within
 * its lease.
 */
@ExtendWith(LeakDetectionExtension.class)
class LiveLimitsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /**
     * Stories of ~1.2 MB each on the wire: 36 MB for the stalled client, far past what it can hold (Linux's socket
     * buffers on loopback, a few MB, the 4 KiB write queue and 8 queued events).
     */
    private static final int STORIES = 30;
    private static final int CAPTION_CODE_POINTS = 100_000;
    private static final int MAX_QUEUED_EVENTS = 8;
    private static final RedisKeys KEYS = TestGateway.keys();
    private static final Vertx VERTX = Vertx.vertx();
    private static TestRedis redis;
    /** Fan-out on, small per-connection buffers, a heartbeat every second. */
    private static TestGateway gateway;
    /** At most two live connections. */
    private static TestGateway limited;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), TestGateway.withFanout(Map.of(
                "STORYCAST_LIVE_TOKEN_SECRET", LiveTokensForTests.SECRET,
                "STORYCAST_LIVE_MAX_QUEUED_EVENTS", Integer.toString(MAX_QUEUED_EVENTS),
                "STORYCAST_LIVE_WRITE_QUEUE_BYTES", "4096",
                "STORYCAST_LIVE_HEARTBEAT_SECONDS", "1",
                "STORYCAST_INGEST_MAX_CAPTION_LENGTH", Integer.toString(CAPTION_CODE_POINTS),
                // Entries of a megabyte, on a machine the build keeps busy: more than the tests' usual 500 ms.
                "STORYCAST_REDIS_COMMAND_TIMEOUT_MILLIS", "5000")));
        limited = TestGateway.start(redis.url(), Map.of(
                "STORYCAST_LIVE_TOKEN_SECRET", LiveTokensForTests.SECRET,
                "STORYCAST_LIVE_MAX_CONNECTIONS", "2"));
    }

    @AfterAll
    static void stop() {
        VERTX.close().await();
        limited.close();
        gateway.close();
        redis.close();
    }

    private static SseClient sse(TestGateway on, String subscriberId) {
        return SseClient.connect(VERTX, on.port(), "/v1/live/instagram/" + subscriberId,
                Map.of("Authorization", "Bearer " + LiveTokensForTests.valid("instagram", subscriberId)));
    }

    @Test
    void aClientThatNeverReadsIsCutOffWhileAnotherKeepsReceiving() throws Exception {
        String author = "author-" + StoryEvents.newStoryId();
        String slow = "slow-" + StoryEvents.newStoryId();
        String reader = "reader-" + StoryEvents.newStoryId();
        audience(author, List.of(slow, reader));
        double cutOffsBefore = cutOffs();
        try (Socket stalled = openAndStopReading(slow); SseClient good = sse(gateway, reader)) {
            assertThat(good.status()).isEqualTo(200);
            // One story at a time, each awaited at the reading client: it never has more than one waiting, while the
            // stalled client's socket, write queue and event queue fill up.
            List<String> storyIds = IntStream.range(0, STORIES).mapToObj(i -> "big-" + StoryEvents.newStoryId()).toList();
            for (int i = 0; i < STORIES; i++) {
                postLargeStories(author, storyIds.subList(i, i + 1), i);
                good.awaitStory(storyIds.get(i), DEADLINE);
            }
            assertThat(good.stories()).extracting(story -> story.getString("storyId")).containsExactlyElementsOf(storyIds);
            await().atMost(DEADLINE).until(() -> cutOffs() > cutOffsBefore);
            // The gateway closes the connection after the grace although the client reads nothing: the end of the
            // stream and the hint wait behind what it never read, so waiting for them to be sent would wait forever.
            if (KernelSockets.visible()) {
                await().atMost(Duration.ofMillis(5 * LiveTransport.CUT_OFF_GRACE_MILLIS))
                        .until(() -> !KernelSockets.established(gateway.port(), stalled.getLocalPort()));
            }

            // The stalled connection was closed by the gateway: reading it now drains what was sent, then ends.
            String received = readToEnd(stalled);
            long storiesSent = received.lines().filter(line -> line.startsWith("data: {\"storyId\"")).count();
            // It got what the kernel's socket buffers took (the sender's grows to tcp_wmem's maximum) and the story being
            // written past the 4 KiB write queue; the 8 queued after that were dropped with the cut-off. The resume hint
            // written then could not reach a client that reads nothing, and went with the connection after a second's
            // grace (a client that reads slowly gets it: see the shutdown test).
            long storyBytes = good.events().get(0).data().length();
            long mostSent = (kernelSendBufferMax() + 2 * 4096) / storyBytes + 2;
            assertThat(storiesSent).as("stories that reached the stalled client before it was cut off")
                    .isLessThan(STORIES).isLessThanOrEqualTo(mostSent);
        }
    }

    @Test
    void aWebSocketClientThatStopsReadingIsCutOffAndItsConnectionClosed() throws Exception {
        assumeTrue(KernelSockets.visible(), "needs Linux's /proc/net/tcp to see the server's end");
        String author = "author-" + StoryEvents.newStoryId();
        String slow = "ws-slow-" + StoryEvents.newStoryId();
        String reader = "reader-" + StoryEvents.newStoryId();
        audience(author, List.of(slow, reader));
        double cutOffsBefore = cutOffs();
        double webSocketsBefore = webSockets();
        try (StalledWebSocket stalled = StalledWebSocket.subscribe(gateway.port(), LiveWebSocket.subscribeMessage(
                LiveTokensForTests.valid("instagram", slow), "instagram", slow, null));
             SseClient good = sse(gateway, reader)) {
            assertThat(webSockets()).isEqualTo(webSocketsBefore + 1);
            assertThat(stalled.openOnServerSide()).isTrue();
            for (int i = 0; i < STORIES && cutOffs() == cutOffsBefore; i++) {
                String storyId = "big-" + StoryEvents.newStoryId();
                postLargeStories(author, List.of(storyId), i);
                good.awaitStory(storyId, DEADLINE);
            }
            await().atMost(DEADLINE).until(() -> cutOffs() > cutOffsBefore);
            // Its close frame waits behind megabytes the client never reads, so it never answers it: the gateway
            // closes the TCP connection itself after the grace (without that, it stayed until http.idleTimeoutSeconds).
            await().atMost(Duration.ofMillis(5 * LiveTransport.CUT_OFF_GRACE_MILLIS)).until(() -> !stalled.openOnServerSide());
            assertThat(webSockets()).isEqualTo(webSocketsBefore);
            stalled.readToEnd(); // what the kernel holds, then the end (or a reset)
        }
    }

    @Test
    void aResumeOfMoreStoriesThanTheConnectionsBoundsIsPacedNotCutOff() {
        String author = "author-" + StoryEvents.newStoryId();
        String subscriber = "resumer-" + StoryEvents.newStoryId();
        audience(author, List.of(subscriber));
        String first = "first-" + StoryEvents.newStoryId();
        String lastEventId;
        try (SseClient stream = sse(gateway, subscriber)) {
            postStories(author, List.of(first), 600);
            lastEventId = stream.awaitStory(first, DEADLINE).id();
        }
        // Missed while away: 20 stories of ~1.2 MB, far past what this gateway lets a connection hold (a few MB of
        // socket buffers, 4 KiB of write queue, 8 events): sent all at once, they would cut the client off.
        List<String> missed = IntStream.range(0, 20).mapToObj(i -> "missed-" + StoryEvents.newStoryId()).toList();
        for (int i = 0; i < missed.size(); i++) {
            postLargeStories(author, missed.subList(i, i + 1), i);
        }
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(trayIds(subscriber)).containsAll(missed));
        double cutOffsBefore = cutOffs();
        try (SseClient resumed = SseClient.connect(VERTX, gateway.port(), "/v1/live/instagram/" + subscriber,
                Map.of("Authorization", "Bearer " + LiveTokensForTests.valid("instagram", subscriber), "Last-Event-ID", lastEventId))) {
            await().atMost(DEADLINE).until(() -> resumed.stories().size() == missed.size());
            assertThat(resumed.stories()).extracting(story -> story.getString("storyId")).containsExactlyElementsOf(missed);
            assertThat(resumed.ended()).isFalse();
        }
        assertThat(cutOffs()).isEqualTo(cutOffsBefore);
    }

    /** Posts small stories, created one second apart from {@code secondsAgo} seconds ago, as one NDJSON request. */
    private static void postStories(String author, List<String> storyIds, int secondsAgo) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < storyIds.size(); i++) {
            body.append(new JsonObject().put("platform", "instagram").put("storyId", storyIds.get(i)).put("authorId", author)
                    .put("createdAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(secondsAgo - i).toString())
                    .put("audience", "default").put("media", new JsonObject().put("id", "m-" + i).put("kind", "image"))
                    .encode()).append('\n');
        }
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Authorization", "Bearer " + TestGateway.ALL_PLATFORMS_PRODUCER_KEY)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        assertThat(new JsonObject(response.body()).getInteger("accepted")).as(response.body()).isEqualTo(storyIds.size());
    }

    private static List<String> trayIds(String subscriber) {
        HttpResponse<String> response = gateway.getTray("instagram", subscriber, "limit=100");
        List<String> ids = new java.util.ArrayList<>();
        new JsonObject(response.body()).getJsonArray("stories").forEach(story -> ids.add(((JsonObject) story).getString("storyId")));
        return ids;
    }

    @Test
    void pastTheConnectionLimitAConnectionIsRefused503WithRetryAfter() throws Exception {
        SseClient first = sse(limited, "limit-1");
        try (SseClient second = sse(limited, "limit-2")) {
            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).isEqualTo(200);
            HttpResponse<String> third = limited.send(HttpRequest.newBuilder(limited.uri("/v1/live/instagram/limit-3"))
                    .header("Authorization", "Bearer " + LiveTokensForTests.valid("instagram", "limit-3")).GET());
            JsonObject problem = assertProblem(third, 503, "too-many-connections");
            assertThat(problem.getString("limit")).isEqualTo("live.maxConnections");
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<String> webSocket = limited.send(HttpRequest.newBuilder(limited.uri("/v1/live/ws")).GET());
            assertProblem(webSocket, 503, "too-many-connections");

            first.close();
            // The place comes back once the gateway sees the connection closed.
            await().atMost(DEADLINE).untilAsserted(() -> {
                try (SseClient again = sse(limited, "limit-4")) {
                    assertThat(again.status()).isEqualTo(200);
                }
            });
        } finally {
            first.close();
        }
    }

    @Test
    void aStoppingGatewayCutsItsConnectionsOffWithAResumeHint() {
        TestGateway stopping = TestGateway.start(redis.url(), Map.of("STORYCAST_LIVE_TOKEN_SECRET", LiveTokensForTests.SECRET));
        try (SseClient stream = sse(stopping, "leaving-" + StoryEvents.newStoryId())) {
            assertThat(stream.status()).isEqualTo(200);
            stopping.close(); // idempotent: closed again below
            SseClient.Event hint = stream.awaitEvent(event -> "reconnect".equals(event.event()), DEADLINE);
            assertThat(hint.json().getString("reason")).isEqualTo("shutdown");
            assertThat(hint.json().getInteger("retryMillis")).isBetween(100, 2000);
            await().atMost(DEADLINE).until(stream::ended);
        } finally {
            stopping.close();
        }
    }

    @Test
    void aPushForMoreConnectionsThanAnEventLoopMayHaveWaitingCutsThemOffAsOverloaded() {
        // One event loop that may have two deliveries waiting: a story to two connections fits, one to three does not.
        TestGateway narrow = TestGateway.start(redis.url(), TestGateway.withFanout(Map.of(
                "STORYCAST_LIVE_TOKEN_SECRET", LiveTokensForTests.SECRET,
                "STORYCAST_HTTP_INSTANCES", "1",
                "STORYCAST_LIVE_MAX_WAITING_DELIVERIES", "2")));
        List<String> subscribers = IntStream.range(0, 3).mapToObj(i -> "crowd-" + i + "-" + StoryEvents.newStoryId()).toList();
        String pair = "pair-" + StoryEvents.newStoryId();
        String crowd = "crowd-" + StoryEvents.newStoryId();
        audience(pair, subscribers.subList(0, 2));
        audience(crowd, subscribers);
        List<SseClient> streams = subscribers.stream().map(subscriber -> sse(narrow, subscriber)).toList();
        try {
            streams.forEach(stream -> assertThat(stream.status()).isEqualTo(200));
            double overloadedBefore = cutOffs(narrow, "overloaded");
            String fits = StoryEvents.newStoryId();
            assertThat(narrow.postStories("application/json", StoryEvents.valid(fits, pair).encode()).statusCode()).isEqualTo(202);
            streams.subList(0, 2).forEach(stream -> stream.awaitStory(fits, DEADLINE));

            String tooMany = StoryEvents.newStoryId();
            assertThat(narrow.postStories("application/json", StoryEvents.valid(tooMany, crowd).encode()).statusCode()).isEqualTo(202);
            for (SseClient stream : streams) {
                SseClient.Event hint = stream.awaitEvent(event -> "reconnect".equals(event.event()), DEADLINE);
                assertThat(hint.json().getString("reason")).isEqualTo("overloaded");
                assertThat(stream.stories()).extracting(story -> story.getString("storyId")).doesNotContain(tooMany);
            }
            assertThat(cutOffs(narrow, "overloaded") - overloadedBefore).isEqualTo(3);
        } finally {
            streams.forEach(SseClient::close);
            narrow.close();
        }
    }

    @Test
    void anIdleConnectionGetsHeartbeats() {
        try (SseClient idle = sse(gateway, "idle-" + StoryEvents.newStoryId())) {
            int atStart = idle.comments();
            await().atMost(DEADLINE).until(() -> idle.comments() >= atStart + 2);
            assertThat(idle.stories()).isEmpty();
            assertThat(idle.ended()).isFalse();
        }
    }

    @Test
    void aRegistrationGoesWithItsConnectionAndAKilledProcessesWithinItsLease() throws Exception {
        String closing = "closing-" + StoryEvents.newStoryId();
        String route = KEYS.liveRoute(Platform.INSTAGRAM, closing);
        try (SseClient stream = sse(gateway, closing)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(await(redis.api().get(route))).isNotNull();
        }
        await().atMost(DEADLINE).until(() -> await(redis.api().get(route)) == null);

        String orphan = "orphan-" + StoryEvents.newStoryId();
        String orphanRoute = KEYS.liveRoute(Platform.INSTAGRAM, orphan);
        try (ForkedGateway doomed = ForkedGateway.start("doomed gateway", redis.url(), Map.of(
                "STORYCAST_LIVE_TOKEN_SECRET", LiveTokensForTests.SECRET, "STORYCAST_LIVE_LEASE_SECONDS", "3"))) {
            SseClient stream = SseClient.connect(VERTX, doomed.port(), "/v1/live/instagram/" + orphan,
                    Map.of("Authorization", "Bearer " + LiveTokensForTests.valid("instagram", orphan)));
            assertThat(stream.status()).isEqualTo(200);
            assertThat(await(redis.api().get(orphanRoute)).toString()).contains("=");
            doomed.kill(); // SIGKILL: nothing is given up; the lease runs out
            long killedAt = System.nanoTime();
            await().atMost(DEADLINE).until(() -> await(redis.api().get(orphanRoute)) == null);
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(10));
            stream.close();
        }
    }

    @Test
    void aProcessThatStopsGivesItsRegistrationsUpWithoutWaitingForTheLease() throws Exception {
        String leaving = "leaving-" + StoryEvents.newStoryId();
        String route = KEYS.liveRoute(Platform.INSTAGRAM, leaving);
        TestGateway stopping = TestGateway.start(redis.url(), Map.of(
                "STORYCAST_LIVE_TOKEN_SECRET", LiveTokensForTests.SECRET, "STORYCAST_LIVE_LEASE_SECONDS", "600"));
        try (SseClient stream = sse(stopping, leaving)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(await(redis.api().get(route)).toString()).contains("=");
            stopping.close(); // the client is still connected: the process, not the client, ends the connection
            // A lease of ten minutes: only giving the registration up at the stop removes it this soon.
            assertThat(await(redis.api().get(route))).as("the registry after the stop").isNull();
            assertThat(await(redis.api().sismember(KEYS.liveOnline(Platform.INSTAGRAM,
                    KEYS.liveShardOf(Platform.INSTAGRAM, leaving)), leaving)).toBoolean()).isFalse();
        } finally {
            stopping.close();
        }
    }

    /** @return the largest send buffer Linux grows a socket's to (tcp_wmem's third value), 4 MiB when unknown */
    private static long kernelSendBufferMax() {
        try {
            String[] values = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Long.parseLong(values[2]);
        } catch (IOException | RuntimeException notLinux) {
            return 4L << 20;
        }
    }

    private static double webSockets() {
        return gateway.metrics().registry().get("storycast.live.connections").tag("transport", "websocket").gauge().value();
    }

    private static double cutOffs() {
        return cutOffs(gateway, "slow-client");
    }

    private static double cutOffs(TestGateway on, String reason) {
        var counter = on.metrics().registry().find("storycast.live.cutoffs").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void audience(String author, List<String> members) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/audiences/instagram/" + author + "/default"))
                .header("Authorization", "Bearer " + TestGateway.ALL_PLATFORMS_PRODUCER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonArray(List.copyOf(members)).encode())));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /**
     * Posts stories of ~1.2 MB each on the wire (100,000 four-byte characters of caption, which JSON writes as
     * escaped surrogate pairs), as one NDJSON request.
     *
     * @param first the number of the first story, which orders their creation times
     */
    private static void postLargeStories(String author, List<String> storyIds, int first) {
        String caption = "\uD83D\uDE00".repeat(CAPTION_CODE_POINTS);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < storyIds.size(); i++) {
            body.append(new JsonObject().put("platform", "instagram").put("storyId", storyIds.get(i)).put("authorId", author)
                    .put("createdAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(STORIES + 60 - first - i).toString())
                    .put("audience", "default").put("media", new JsonObject().put("id", "m-" + i).put("kind", "image"))
                    .put("caption", caption).encode()).append('\n');
        }
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Authorization", "Bearer " + TestGateway.ALL_PLATFORMS_PRODUCER_KEY)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        assertThat(new JsonObject(response.body()).getInteger("accepted")).as(response.body()).isEqualTo(storyIds.size());
    }

    /** Opens a stream on a socket with a small receive buffer, reads its status line and headers, and reads no more. */
    private static Socket openAndStopReading(String subscriberId) throws IOException {
        return StalledSse.open(gateway.port(), subscriberId, LiveTokensForTests.valid("instagram", subscriberId),
                "Accept: text/event-stream", "\r\n\r\n");
    }

    /** @return what the socket still holds, up to the end the gateway made */
    private static String readToEnd(Socket socket) throws IOException {
        socket.setSoTimeout(15_000);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        try {
            for (int n = socket.getInputStream().read(buffer); n >= 0; n = socket.getInputStream().read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the stalled connection was not closed by the gateway (" + all.size()
                    + " bytes read)", stillOpen);
        } catch (IOException reset) {
            // a reset after the gateway gave up on the connection: also an end
        }
        return all.toString(StandardCharsets.UTF_8);
    }
}
