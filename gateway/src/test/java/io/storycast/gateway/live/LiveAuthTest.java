package io.storycast.gateway.live;

import io.storycast.gateway.testing.LiveTokensForTests;
import io.storycast.gateway.testing.LiveWebSocket;
import io.storycast.gateway.testing.SseClient;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.testing.LeakDetectionExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static io.storycast.gateway.testing.LiveTokensForTests.SECRET;
import static io.storycast.gateway.testing.LiveTokensForTests.claims;
import static io.storycast.gateway.testing.LiveTokensForTests.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Subscriber tokens over real HTTP and WebSocket: only an unexpired HS256 token signed with the gateway's secret, for
 * the subscriber and platform of the path, opens a stream. Forgeries made independently with the JDK's HMAC
 * ({@link LiveTokensForTests}) are refused 401 (or 403 when valid but for someone else) with problem+json: unsigned
 * ({@code alg: none}, with and without a signature part), HS384 and HS512 under the right secret, an RS256 header
 * over an HMAC signature (algorithm confusion), the wrong secret, expired, without {@code exp}, garbage.
 */
@ExtendWith(LeakDetectionExtension.class)
class LiveAuthTest {
    private static final String PLATFORM = "instagram";
    private static final String SUBSCRIBER = "u-auth";
    private static TestRedis redis;
    private static TestGateway gateway;
    private static final Vertx VERTX = Vertx.vertx();

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of("STORYCAST_LIVE_TOKEN_SECRET", SECRET));
    }

    @AfterAll
    static void stop() {
        VERTX.close().await();
        gateway.close();
        redis.close();
    }

    private static JsonObject good() {
        return claims(PLATFORM, SUBSCRIBER, Instant.now().plusSeconds(600));
    }

    static Stream<Arguments> refusedTokens() {
        JsonObject noExp = good();
        noExp.remove("exp");
        return Stream.of(
                Arguments.of("garbage", "not.a.jwt", 401),
                Arguments.of("two segments", "abc.def", 401),
                Arguments.of("alg none, unsigned", LiveTokensForTests.unsigned(good()), 401),
                Arguments.of("alg none, with a signature", LiveTokensForTests.noneWithSignature(good()), 401),
                Arguments.of("HS384 under the secret", sign("HS384", "HmacSHA384", SECRET, good()), 401),
                Arguments.of("HS512 under the secret", sign("HS512", "HmacSHA512", SECRET, good()), 401),
                Arguments.of("RS256 header over an HMAC signature", sign("RS256", "HmacSHA256", SECRET, good()), 401),
                Arguments.of("wrong secret", sign("HS256", "HmacSHA256", "another-secret-0123456789abcdefgh", good()), 401),
                Arguments.of("expired", sign("HS256", "HmacSHA256", SECRET,
                        claims(PLATFORM, SUBSCRIBER, Instant.now().minusSeconds(5))), 401),
                Arguments.of("no exp", sign("HS256", "HmacSHA256", SECRET, noExp), 401),
                Arguments.of("another subscriber", LiveTokensForTests.valid(PLATFORM, "someone-else"), 403),
                Arguments.of("another platform", LiveTokensForTests.valid("facebook", SUBSCRIBER), 403));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void refusesOverSse(String name, String token, int status) {
        try (SseClient stream = SseClient.connect(VERTX, gateway.port(), "/v1/live/" + PLATFORM + "/" + SUBSCRIBER,
                Map.of("Authorization", "Bearer " + token))) {
            assertThat(stream.status()).as(name + ": " + stream.body()).isEqualTo(status);
            assertThat(stream.headers().get("Content-Type")).isEqualTo("application/problem+json");
            JsonObject problem = new JsonObject(stream.body());
            assertThat(problem.getString("type")).isEqualTo(status == 401 ? "urn:storycast:problem:unauthorized"
                    : "urn:storycast:problem:forbidden-subscriber");
            assertThat(problem.getInteger("status")).isEqualTo(status);
            assertThat(problem.getString("detail")).isNotBlank().doesNotContain(token);
            if (status == 401) {
                assertThat(stream.headers().get("WWW-Authenticate")).startsWith("Bearer");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void refusesOverWebSocket(String name, String token, int status) {
        try (LiveWebSocket socket = LiveWebSocket.subscribe(VERTX, gateway.port(),
                LiveWebSocket.subscribeMessage(token, PLATFORM, SUBSCRIBER, null))) {
            JsonObject error = socket.awaitFrame(frame -> "error".equals(frame.getString("type")), Duration.ofSeconds(10));
            assertThat(error.getJsonObject("problem").getInteger("status")).as(name).isEqualTo(status);
            await().atMost(Duration.ofSeconds(10)).until(() -> socket.closeCode() != null);
            assertThat(socket.closeCode()).isEqualTo((short) (4000 + status));
            assertThat(socket.stories()).isEmpty();
        }
    }

    @Test
    void acceptsAGoodTokenInTheHeaderOrTheQueryParameter() {
        String token = LiveTokensForTests.valid(PLATFORM, SUBSCRIBER);
        String path = "/v1/live/" + PLATFORM + "/" + SUBSCRIBER;
        try (SseClient header = SseClient.connect(VERTX, gateway.port(), path, Map.of("Authorization", "Bearer " + token));
             SseClient query = SseClient.connect(VERTX, gateway.port(), path + "?access_token=" + token, Map.of())) {
            assertThat(header.status()).as(String.valueOf(header.body())).isEqualTo(200);
            assertThat(query.status()).as(query.body()).isEqualTo(200);
        }
    }

    @Test
    void theExamplePageIsOffByDefaultAndLiveDeliveryOffAnswers404() {
        assertThat(gateway.get("/live-demo/").statusCode()).isEqualTo(404);
        try (TestGateway off = TestGateway.start(redis.url(), Map.of("STORYCAST_LIVE_ENABLED", "false",
                "STORYCAST_LIVE_TOKEN_SECRET", SECRET))) {
            assertThat(off.get("/v1/live/instagram/u-1").statusCode()).isEqualTo(404);
            assertThat(off.get("/v1/live/ws").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void refusesAMissingTokenAndATokenSentTwice() {
        String path = "/v1/live/" + PLATFORM + "/" + SUBSCRIBER;
        try (SseClient none = SseClient.connect(VERTX, gateway.port(), path, Map.of())) {
            assertThat(none.status()).isEqualTo(401);
            assertThat(new JsonObject(none.body()).getString("field")).isEqualTo("access_token");
        }
        String token = LiveTokensForTests.valid(PLATFORM, SUBSCRIBER);
        Map<String, String> headers = new HashMap<>(Map.of("Authorization", "Bearer " + token));
        try (SseClient twice = SseClient.connect(VERTX, gateway.port(), path + "?access_token=" + token, headers)) {
            assertThat(twice.status()).isEqualTo(400);
        }
        assertThat(gateway.metrics().registry().get("storycast.live.refused").tag("reason", "unauthorized").counter().count())
                .isPositive();
    }
}
