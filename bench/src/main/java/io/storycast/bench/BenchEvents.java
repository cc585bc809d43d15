package io.storycast.bench;

import io.storycast.gateway.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** A realistic story event (about 300 bytes of JSON), created a second ago, and how the benchmarks post one. */
final class BenchEvents {
    /** The gateway's key layout as the gateway under test runs it (default prefix and partitions). */
    static final RedisKeys KEYS = new RedisKeys("storycast", 16);

    /** The key of the default configuration's development producer, which every benchmark gateway runs with. */
    static final String PRODUCER_KEY = "storycast-dev-key";

    private BenchEvents() {
    }

    static String event(String storyId, String authorId) {
        return event(storyId, authorId, createdASecondAgo());
    }

    /** @return now less a second, to the millisecond, as RFC 3339: a fresh event's {@code createdAt} */
    static String createdASecondAgo() {
        return Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /**
     * @param createdAt the event's creation time, RFC 3339 ({@link #createdASecondAgo()}): a load generator that
     *                  writes many events at once reads the clock once for them, so its own CPU per event, which
     *                  shares the machine with what it measures, stays low
     */
    static String event(String storyId, String authorId, String createdAt) {
        return "{\"platform\":\"instagram\",\"storyId\":\"" + storyId + "\",\"authorId\":\"" + authorId
                + "\",\"createdAt\":\"" + createdAt
                + "\",\"audience\":\"default\",\"media\":{\"id\":\"media-" + storyId + "\",\"kind\":\"image\"},"
                + "\"caption\":\"a story for the benchmark\",\"shareTo\":[\"facebook\",\"whatsapp\"]}";
    }

    /** Posts one event to {@code /v1/stories}; answers the status code (202 when accepted). */
    static Future<Integer> post(HttpClient http, String event) {
        return http.request(HttpMethod.POST, "/v1/stories")
                .compose(request -> request.putHeader("Authorization", "Bearer " + PRODUCER_KEY)
                        .putHeader("Content-Type", "application/json").send(event))
                .map(HttpClientResponse::statusCode);
    }

    /** Posts events as one NDJSON request; answers the status code (200 when every line was taken). */
    static Future<Integer> postBatch(HttpClient http, List<String> events) {
        return http.request(HttpMethod.POST, "/v1/stories")
                .compose(request -> request.putHeader("Authorization", "Bearer " + PRODUCER_KEY)
                        .putHeader("Content-Type", "application/x-ndjson").send(String.join("\n", events) + "\n"))
                .map(HttpClientResponse::statusCode);
    }
}
