package io.storycast.gateway;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.testing.ForkedGateway;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.StoryStreamContents;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway runs as its own process (the same main class the jar runs), takes stories from several
 * concurrent producers and gets SIGTERM mid-stream. Every story it acknowledged must be in Redis.
 */
class GracefulShutdownTest {
    /** When SIGTERM was sent (System.nanoTime), 0 before. */
    private final java.util.concurrent.atomic.AtomicLong stopSentNanos = new java.util.concurrent.atomic.AtomicLong();
    /** Requests sent before SIGTERM that got an HTTP answer after it. */
    private final AtomicInteger answeredAfterStop = new AtomicInteger();
    private static TestRedis redis;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @Test
    void losesNoAcknowledgedEventWhenStoppedUnderLoad() throws Exception {
        try (ForkedGateway gateway = ForkedGateway.start("gateway process", redis.url(),
                Map.of("STORYCAST_SHUTDOWN_DRAIN_TIMEOUT_SECONDS", "10"))) {
            Process process = gateway.process();
            int port = gateway.port();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger refusedOrCut = new AtomicInteger();
            CountDownLatch enoughAccepted = new CountDownLatch(300);
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < 8; p++) {
                Thread producer = new Thread(() -> produceUntilRefused(port, acknowledged, enoughAccepted, refusedOrCut));
                producer.start();
                producers.add(producer);
            }
            assertThat(enoughAccepted.await(30, TimeUnit.SECONDS)).as("300 stories accepted before the stop").isTrue();
            stopSentNanos.set(System.nanoTime());

            // SIGTERM; unlike Process.destroy(), ProcessHandle.destroy() leaves our end of the log pipe open
            assertThat(process.toHandle().destroy()).isTrue();

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the gateway exits after draining").isTrue();
            gateway.awaitLogEnd();
            assertThat(String.join("\n", gateway.log())).contains("stopping: draining in-flight requests").contains("stopped");
            for (Thread producer : producers) {
                producer.join(30_000);
                assertThat(producer.isAlive()).isFalse();
            }
            Set<String> stored = storedStoryIds();
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            assertThat(lost).as("acknowledged but not in the stream").isEmpty();
            // Draining: requests already in flight when SIGTERM arrived were answered, not cut off.
            assertThat(answeredAfterStop.get()).as("in-flight requests answered after SIGTERM").isPositive();
            assertThat(refusedOrCut.get()).as("every producer was turned away once the gateway stopped").isEqualTo(producers.size());
        }
    }

    private void produceUntilRefused(int port, Set<String> acknowledged, CountDownLatch accepted, AtomicInteger refused) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/v1/stories");
        for (int i = 0; i < 100_000; i++) {
            JsonObject event = StoryEvents.valid(StoryEvents.newStoryId(), "author-" + (i % 50));
            boolean sentBeforeStop = stopSentNanos.get() == 0;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + TestGateway.PRODUCER_KEY)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(event.encode())).build(), HttpResponse.BodyHandlers.ofString());
                if (sentBeforeStop && stopSentNanos.get() != 0) {
                    answeredAfterStop.incrementAndGet();
                }
                if (response.statusCode() == 202) {
                    acknowledged.add(event.getString("storyId"));
                    accepted.countDown();
                } else {
                    refused.incrementAndGet();
                    return;
                }
            } catch (IOException e) {
                refused.incrementAndGet(); // connection refused or closed once the gateway stopped accepting
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Set<String> storedStoryIds() {
        Set<String> stored = new HashSet<>();
        StoryStreamContents.allEvents(redis, new RedisKeys("storycast", 4)).forEach(event -> stored.add(event.getString("storyId")));
        return stored;
    }
}
