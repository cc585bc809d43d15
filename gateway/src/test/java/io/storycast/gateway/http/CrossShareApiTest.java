package io.storycast.gateway.http;

import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/authors/{authorId}/cross-share} over real loopback HTTP against a real Redis. */
class CrossShareApiTest {
    private static TestRedis redis;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    @Test
    void storesAPreferenceInEveryDirectionAndReturnsIt() {
        String preference = "{\"instagram\":[\"facebook\",\"whatsapp\"],\"facebook\":[\"instagram\",\"messenger\"]}";
        HttpResponse<String> put = put("/v1/authors/author-1/cross-share", preference);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        HttpResponse<String> get = get("/v1/authors/author-1/cross-share");

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(get.body())).isEqualTo(new JsonObject(preference));
    }

    @Test
    void replacesTheWholePreference() {
        put("/v1/authors/author-2/cross-share", "{\"instagram\":[\"facebook\"],\"facebook\":[\"instagram\"]}");
        put("/v1/authors/author-2/cross-share", "{\"facebook\":[\"whatsapp\"]}");

        assertThat(new JsonObject(get("/v1/authors/author-2/cross-share").body()))
                .isEqualTo(new JsonObject("{\"facebook\":[\"whatsapp\"]}"));
        put("/v1/authors/author-2/cross-share", "{}");
        assertThat(new JsonObject(get("/v1/authors/author-2/cross-share").body())).isEmpty();
    }

    @Test
    void answersNoPreferenceForAnUnknownAuthor() {
        HttpResponse<String> get = get("/v1/authors/nobody/cross-share");

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(get.body())).isEmpty();
    }

    @Test
    void refusesSelfShareUnknownPlatformsAndMalformedBodies() {
        assertProblem(put("/v1/authors/a/cross-share", "{\"instagram\":[\"instagram\"]}"), 400, "instagram[0]", "self-share");
        assertProblem(put("/v1/authors/a/cross-share", "{\"myspace\":[\"instagram\"]}"), 400, "myspace", "enum");
        assertProblem(put("/v1/authors/a/cross-share", "{\"instagram\":[\"orkut\"]}"), 400, "instagram[0]", "enum");
        assertProblem(put("/v1/authors/a/cross-share", "{\"instagram\":\"facebook\"}"), 400, "instagram", "type");
        assertProblem(put("/v1/authors/a/cross-share", "{\"instagram\":"), 400, "body", "json");
        assertProblem(put("/v1/authors/bad%20id/cross-share", "{}"), 400, "authorId", "pattern");
    }

    @Test
    void refusesASourcePlatformTheKeyIsNotAllowedFor() {
        assertProblem(put("/v1/authors/a/cross-share", "{\"whatsapp\":[\"instagram\"]}"), 403, "platform", "forbidden");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String field, String rule) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Problems.PROBLEM_JSON);
        JsonObject problem = new JsonObject(response.body());
        assertThat(problem.getString("field")).isEqualTo(field);
        assertThat(problem.getString("rule")).isEqualTo(rule);
    }

    private static HttpResponse<String> put(String path, String body) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri(path))
                .header("Authorization", "Bearer " + TestGateway.PRODUCER_KEY)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> get(String path) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri(path))
                .header("Authorization", "Bearer " + TestGateway.PRODUCER_KEY).GET());
    }
}
