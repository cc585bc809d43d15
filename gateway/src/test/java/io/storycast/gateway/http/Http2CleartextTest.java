package io.storycast.gateway.http;

import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP/2 over cleartext with prior knowledge (no upgrade), many streams on one connection. */
class Http2CleartextTest {
    private static TestRedis redis;
    private static TestGateway gateway;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of());
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        gateway.close();
        redis.close();
    }

    @Test
    void acceptsStoriesOverH2cWithPriorKnowledge() throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(gateway.port()));
        List<Future<JsonObject>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String event = StoryEvents.valid().encode();
            responses.add(client.request(HttpMethod.POST, "/v1/stories")
                    .compose(request -> request
                            .putHeader("Authorization", "Bearer " + TestGateway.PRODUCER_KEY)
                            .putHeader("Content-Type", "application/json")
                            .send(event))
                    .compose(response -> response.body().map(body -> new JsonObject()
                            .put("version", response.version().name())
                            .put("status", response.statusCode())
                            .put("body", body.toJsonObject()))));
        }

        List<JsonObject> results = Future.all(responses).await(20, TimeUnit.SECONDS).list();

        assertThat(results).hasSize(20).allSatisfy(result -> {
            assertThat(result.getString("version")).isEqualTo("HTTP_2");
            assertThat(result.getInteger("status")).isEqualTo(202);
            assertThat(result.getJsonObject("body").getString("status")).isEqualTo("accepted");
        });
        client.close().await();
    }
}
