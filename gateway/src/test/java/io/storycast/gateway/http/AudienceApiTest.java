package io.storycast.gateway.http;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.ProblemAssertions.assertProblem;
import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Audiences and mutes over real loopback HTTP against a real Redis. */
class AudienceApiTest {
    private static final int MAX_BODY_BYTES = 65_536;
    private static TestRedis redis;
    private static TestGateway gateway;
    private static final RedisKeys KEYS = new RedisKeys("storycast", 4);

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of(
                "STORYCAST_HTTP_MAX_BODY_BYTES", Integer.toString(MAX_BODY_BYTES),
                "STORYCAST_AUDIENCE_BULK_CHUNK_SIZE", "500",
                "STORYCAST_AUDIENCE_MAX_REPORTED_PROBLEMS", "2"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    @Test
    void addsMembersFromAJsonArrayAndReportsBadElementsByIndex() {
        HttpResponse<String> response = post("/v1/audiences/instagram/author-array/default", "application/json",
                "[\"sub-1\", \"sub-2\", 42, \"sub-1\", \"bad id!\", \"sub-3\"]");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject report = new JsonObject(response.body());
        assertThat(report.getLong("received")).isEqualTo(6);
        assertThat(report.getLong("added")).isEqualTo(3);
        assertThat(report.getLong("unchanged")).isEqualTo(1);
        assertThat(report.getLong("rejected")).isEqualTo(2);
        assertThat(report.getJsonArray("problems").getJsonObject(0).getInteger("index")).isEqualTo(2);
        assertThat(report.getJsonArray("problems").getJsonObject(1).getString("rule")).isEqualTo("pattern");
        assertThat(members("instagram", "author-array", "default")).containsExactly("sub-1", "sub-2", "sub-3");
    }

    @Test
    void streamsAMillionMembersAsNdjsonPastTheBodyLimit() {
        int members = 1_000_000;
        HttpResponse<String> response = gateway.send(request("/v1/audiences/facebook/celebrity/default", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> ndjsonMembers(members))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject report = new JsonObject(response.body());
        assertThat(report.getLong("added")).isEqualTo(members);
        assertThat(report.getLong("rejected")).isZero();
        assertThat(await(redis.api().zcard(KEYS.audience(Platform.FACEBOOK, "celebrity", Audience.DEFAULT))).toLong())
                .isEqualTo(members);
    }

    @Test
    void refusesAJsonArrayPastTheBodyLimitThatAStreamedBodyIsNotHeldTo() {
        // The same gateway took a million NDJSON members (about 14 MB) above: the limit binds only bodies read whole.
        StringBuilder array = new StringBuilder("[");
        for (int i = 0; array.length() <= MAX_BODY_BYTES; i++) {
            array.append(i == 0 ? "" : ",").append("\"member-").append(i).append('"');
        }
        HttpResponse<String> response = post("/v1/audiences/facebook/too-large/default", "application/json", array + "]");

        assertProblem(response, 413, "body-too-large");
    }

    @Test
    void keepsTheGoodNdjsonLinesAndReportsTheBadOnesByLineNumber() {
        String body = "\"f-1\"\n\nnot-json\n\"f-2\"\r\n{\"id\":\"f-3\"}\n\"f-4\"\n\"f!5\"";
        HttpResponse<String> response = post("/v1/audiences/facebook/author-lines/close_friends", "application/x-ndjson", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject report = new JsonObject(response.body());
        assertThat(report.getLong("added")).isEqualTo(3);
        assertThat(report.getLong("rejected")).isEqualTo(3);
        JsonArray problems = report.getJsonArray("problems");
        assertThat(problems).hasSize(2);
        assertThat(problems.getJsonObject(0).getInteger("line")).isEqualTo(3);
        assertThat(problems.getJsonObject(1).getInteger("line")).isEqualTo(5);
        assertThat(report.getLong("problemsOmitted")).isEqualTo(1);
        assertThat(members("facebook", "author-lines", "close_friends")).containsExactly("f-1", "f-2", "f-4");
    }

    @Test
    void removesMembersInBulk() {
        post("/v1/audiences/instagram/author-remove/default", "application/json", "[\"r-1\",\"r-2\",\"r-3\"]");

        HttpResponse<String> response = post("/v1/audiences/instagram/author-remove/default/remove",
                "application/x-ndjson", "\"r-1\"\n\"r-3\"\n\"r-9\"\n");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getLong("removed")).isEqualTo(2);
        assertThat(members("instagram", "author-remove", "default")).containsExactly("r-2");
    }

    @Test
    void pagesThroughMembersWithACursor() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(String.format("p-%02d", i));
        }
        post("/v1/audiences/instagram/author-pages/default", "application/json", new JsonArray(ids).encode());

        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            HttpResponse<String> page = get("/v1/audiences/instagram/author-pages/default?limit=10"
                    + (after == null ? "" : "&after=" + after));
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonObject body = new JsonObject(page.body());
            assertThat(body.getLong("count")).isEqualTo(25);
            body.getJsonArray("members").forEach(member -> seen.add((String) member));
            after = body.getString("next");
        } while (after != null);
        assertThat(seen).isEqualTo(ids);
    }

    @Test
    void mutesAndUnmutesAnAuthorForASubscriber() {
        String muted = KEYS.mutedBy(Platform.INSTAGRAM, "author-mute");
        HttpResponse<String> mute = gateway.send(request("/v1/mutes/instagram/sub-m/author-mute", null)
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(mute.statusCode()).isEqualTo(204);
        assertThat(await(redis.api().sismember(muted, "sub-m")).toBoolean()).isTrue();

        HttpResponse<String> unmute = gateway.send(request("/v1/mutes/instagram/sub-m/author-mute", null).DELETE());
        assertThat(unmute.statusCode()).isEqualTo(204);
        assertThat(await(redis.api().sismember(muted, "sub-m")).toBoolean()).isFalse();
    }

    @Test
    void refusesUnknownPlatformsListsAndIds() {
        assertField(post("/v1/audiences/myspace/a/default", "application/json", "[]"), 400, "platform");
        assertField(post("/v1/audiences/instagram/a/everyone", "application/json", "[]"), 400, "list");
        assertField(gateway.send(request("/v1/mutes/instagram/bad%20id/a", null).PUT(HttpRequest.BodyPublishers.noBody())),
                400, "subscriberId");
        assertField(get("/v1/audiences/instagram/a/default?limit=0"), 400, "limit");
        assertField(post("/v1/audiences/instagram/a/default", "application/json", "{\"members\":[]}"), 400, "body");
    }

    @Test
    void refusesAPlatformTheKeyIsNotAllowedFor() {
        assertField(post("/v1/audiences/whatsapp/a/default", "application/json", "[\"x\"]"), 403, "platform");
        assertField(get("/v1/audiences/whatsapp/a/default"), 403, "platform");
    }

    @Test
    void refusesAnUnsupportedContentTypeAndALineTooLong() {
        HttpResponse<String> text = post("/v1/audiences/instagram/a/default", "text/plain", "x");
        assertProblem(text, 415, "unsupported-media-type");

        HttpResponse<String> longLine = post("/v1/audiences/instagram/a/default", "application/x-ndjson",
                "\"ok\"\n\"" + "x".repeat(AudienceRoutes.MAX_LINE_BYTES) + "\"\n");
        assertField(longLine, 400, "line 2");
    }

    @Test
    void refusesACallerWithoutAKey() {
        HttpResponse<String> response = gateway.send(java.net.http.HttpRequest.newBuilder(
                gateway.uri("/v1/audiences/instagram/a/default")).GET());
        assertProblem(response, 401, "unauthorized");
    }

    private static void assertField(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Problems.PROBLEM_JSON);
        assertThat(new JsonObject(response.body()).getString("field")).isEqualTo(field);
    }

    private static List<String> members(String platform, String author, String list) {
        JsonObject page = new JsonObject(get("/v1/audiences/" + platform + "/" + author + "/" + list + "?limit=1000").body());
        List<String> members = new ArrayList<>();
        page.getJsonArray("members").forEach(member -> members.add((String) member));
        return members;
    }

    private static HttpResponse<String> post(String path, String contentType, String body) {
        return gateway.send(request(path, contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> get(String path) {
        return gateway.send(request(path, null).GET());
    }

    private static HttpRequest.Builder request(String path, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path))
                .header("Authorization", "Bearer " + TestGateway.PRODUCER_KEY);
        return contentType == null ? request : request.header("Content-Type", contentType);
    }

    /** {@code count} members as NDJSON, generated as read: the test never holds the body either. */
    private static InputStream ndjsonMembers(int count) {
        return new InputStream() {
            private int next;
            private byte[] line = new byte[0];
            private int position;

            @Override
            public int read() {
                if (position == line.length) {
                    if (next == count) {
                        return -1;
                    }
                    line = ("\"member-" + next++ + "\"\n").getBytes(StandardCharsets.US_ASCII);
                    position = 0;
                }
                return line[position++];
            }
        };
    }
}
