package io.storycast.gateway.http;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.storycast.gateway.testing.ProblemAssertions.assertProblem;
import static io.storycast.gateway.http.StoryIngestTest.streamEntriesOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis stops while the gateway runs: ingest, audience, mute and cross-share calls answer 503 with Retry-After within the bounded time and
 * never 202; when Redis comes back (same port, same append-only file) the gateway recovers without a
 * restart, and what was acknowledged before is still there.
 */
class RedisOutageTest {
    private static TestRedis redis;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of("STORYCAST_REDIS_COMMAND_TIMEOUT_MILLIS", "300"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    @Test
    void answers503WhileRedisIsDownAndRecoversWhenItReturns() {
        JsonObject before = StoryEvents.valid();
        assertThat(gateway.postStories("application/json", before.encode()).statusCode()).isEqualTo(202);

        redis.server().stop();
        try {
            for (String contentType : new String[] {"application/json", "application/x-ndjson"}) {
                long started = System.nanoTime();
                HttpResponse<String> refused = gateway.postStories(contentType, StoryEvents.valid().encode());
                long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

                assertProblem(refused, 503, "store-unavailable");
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(elapsedMillis).as("answered within the command timeout plus slack").isLessThan(3_000);
            }
            for (HttpRequest.Builder request : new HttpRequest.Builder[] {
                    authorized("/v1/audiences/instagram/a-1/default").POST(HttpRequest.BodyPublishers.ofString("[\"s-1\"]"))
                            .header("Content-Type", "application/json"),
                    authorized("/v1/audiences/instagram/a-1/default").POST(HttpRequest.BodyPublishers.ofString("\"s-1\"\n"))
                            .header("Content-Type", "application/x-ndjson"),
                    authorized("/v1/audiences/instagram/a-1/default").GET(),
                    authorized("/v1/mutes/instagram/s-1/a-1").PUT(HttpRequest.BodyPublishers.noBody()),
                    authorized("/v1/authors/a-1/cross-share").GET()}) {
                HttpResponse<String> refused = gateway.send(request);
                assertProblem(refused, 503, "store-unavailable");
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            }
            assertThat(gateway.get("/readyz").statusCode()).isEqualTo(503);
        } finally {
            redis.server().start();
        }

        JsonObject after = StoryEvents.valid();
        HttpResponse<String> recovered = postUntilNot503(after.encode());
        assertThat(recovered.statusCode()).isEqualTo(202);
        assertThat(gateway.get("/readyz").statusCode()).isEqualTo(200);
        RedisKeys keys = new RedisKeys("storycast", 4);
        assertThat(streamEntriesOf(redis, keys, before.getString("storyId"))).as("acknowledged before the outage").hasSize(1);
        assertThat(streamEntriesOf(redis, keys, after.getString("storyId"))).hasSize(1);
    }

    private static HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + TestGateway.PRODUCER_KEY);
    }

    /** The pool notices the restarted server on the next command; allow a few answers of 503 until then. */
    private static HttpResponse<String> postUntilNot503(String body) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        HttpResponse<String> response;
        do {
            response = gateway.postStories("application/json", body);
        } while (response.statusCode() == 503 && System.nanoTime() < deadline);
        return response;
    }
}
