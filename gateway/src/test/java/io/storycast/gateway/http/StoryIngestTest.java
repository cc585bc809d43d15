package io.storycast.gateway.http;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.StoryStreamContents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.ProblemAssertions.assertProblem;
import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Ingest over real loopback HTTP into a real Redis. */
class StoryIngestTest {
    private static TestRedis redis;
    private static TestGateway gateway;
    private static RedisKeys keys;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of(
                "STORYCAST_HTTP_MAX_BODY_BYTES", "65536",
                "STORYCAST_INGEST_MAX_BATCH_EVENTS", "10"));
        keys = new RedisKeys("storycast", 4);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    static List<JsonObject> streamEntriesOf(TestRedis redis, RedisKeys keys, String storyId) {
        return StoryStreamContents.eventsOf(redis, keys, storyId);
    }

    @Test
    void acceptsAnEventIntoItsAuthorsPartitionExactlyOnce() {
        JsonObject event = StoryEvents.valid();
        String storyId = event.getString("storyId");

        HttpResponse<String> response = gateway.postStories("application/json", event.encode());

        assertThat(response.statusCode()).isEqualTo(202);
        JsonObject body = new JsonObject(response.body());
        assertThat(body.getString("status")).isEqualTo("accepted");
        assertThat(body.getString("storyId")).isEqualTo(storyId);
        List<JsonObject> entries = streamEntriesOf(redis, keys, storyId);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getString("_entryId")).isEqualTo(body.getString("entryId"));
        assertThat(entries.get(0).getInteger("_entryIndex")).isEqualTo(body.getInteger("entryIndex")).isZero();
        assertThat(entries.get(0).getString("_producer")).isEqualTo("meta-stories");
        assertThat(entries.get(0).getInteger("_partition")).isEqualTo(keys.partitionOf("author-1"));
        assertThat(entries.get(0).getString("expiresAt")).isNotNull();
        assertThat(entries.get(0).getString("caption")).isEqualTo("hello from author-1");
    }

    @Test
    void answersARetryAsADuplicateWithoutEnqueuingAgain() {
        JsonObject event = StoryEvents.valid();

        HttpResponse<String> first = gateway.postStories("application/json", event.encode());
        HttpResponse<String> retry = gateway.postStories("application/json", event.encode());

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(retry.body()).getString("status")).isEqualTo("duplicate");
        assertThat(new JsonObject(retry.body()).getString("entryId")).isEqualTo(new JsonObject(first.body()).getString("entryId"));
        assertThat(new JsonObject(retry.body()).getInteger("entryIndex")).isEqualTo(new JsonObject(first.body()).getInteger("entryIndex"));
        assertThat(streamEntriesOf(redis, keys, event.getString("storyId"))).hasSize(1);
    }

    @Test
    void keepsTheDedupeMarkerInTheBucketOfTheStorysExpiryUntilThatMinuteEnds() {
        JsonObject event = StoryEvents.valid();
        String storyId = event.getString("storyId");

        JsonObject accepted = new JsonObject(gateway.postStories("application/json", event.encode()).body());

        long expiresAt = java.time.Instant.parse(event.getString("createdAt")).toEpochMilli() + 86_400_000L;
        String bucket = keys.seenBucket(keys.partitionOf("author-1"), RedisKeys.seenBucketOf(expiresAt));
        String marker = await(redis.api().hget(bucket, RedisKeys.seenField(io.storycast.gateway.story.Platform.INSTAGRAM, storyId))).toString();
        assertThat(marker).isEqualTo(accepted.getString("entryId") + "#" + accepted.getInteger("entryIndex"));
        long before = System.currentTimeMillis();
        long ttlMillis = await(redis.api().pttl(bucket)).toLong(); // PEXPIRETIME would need Redis 7
        long after = System.currentTimeMillis();
        assertThat(after + ttlMillis).as("the bucket outlives the story").isGreaterThanOrEqualTo(expiresAt);
        assertThat(before + ttlMillis).as("by less than one bucket").isLessThanOrEqualTo(expiresAt + RedisKeys.SEEN_BUCKET_MILLIS);
    }

    @Test
    void storesTheEventsOfOneAuthorInABatchAsOneEntryInOrder() {
        JsonObject first = StoryEvents.valid(StoryEvents.newStoryId(), "author-batch");
        JsonObject second = StoryEvents.valid(StoryEvents.newStoryId(), "author-batch");
        JsonObject third = StoryEvents.valid(StoryEvents.newStoryId(), "author-batch");

        JsonArray results = new JsonObject(gateway.postStories("application/x-ndjson",
                first.encode() + "\n" + second.encode() + "\n" + third.encode()).body()).getJsonArray("results");

        String entryId = results.getJsonObject(0).getString("entryId");
        for (int i = 0; i < 3; i++) {
            assertThat(results.getJsonObject(i).getString("entryId")).isEqualTo(entryId);
            assertThat(results.getJsonObject(i).getInteger("entryIndex")).isEqualTo(i);
        }
        List<JsonObject> stored = streamEntriesOf(redis, keys, second.getString("storyId"));
        assertThat(stored).singleElement().satisfies(event -> {
            assertThat(event.getString("_entryId")).isEqualTo(entryId);
            assertThat(event.getInteger("_entryIndex")).isEqualTo(1);
        });
    }

    @Test
    void treatsTheSecondCopyOfAStoryInOneBatchAsADuplicate() {
        JsonObject event = StoryEvents.valid();

        HttpResponse<String> response = gateway.postStories("application/x-ndjson", event.encode() + "\n" + event.encode() + "\n");

        JsonArray results = new JsonObject(response.body()).getJsonArray("results");
        assertThat(results.getJsonObject(0).getString("status")).isEqualTo("accepted");
        assertThat(results.getJsonObject(1).getString("status")).isEqualTo("duplicate");
        assertThat(results.getJsonObject(1).getString("entryId")).isEqualTo(results.getJsonObject(0).getString("entryId"));
        assertThat(results.getJsonObject(1).getInteger("entryIndex")).isEqualTo(results.getJsonObject(0).getInteger("entryIndex"));
        assertThat(streamEntriesOf(redis, keys, event.getString("storyId"))).hasSize(1);
    }

    @Test
    void keepsTheGoodLinesOfABatchAndReportsTheBadOnesByLineNumber() {
        JsonObject good1 = StoryEvents.valid(StoryEvents.newStoryId(), "author-a");
        JsonObject good2 = StoryEvents.valid(StoryEvents.newStoryId(), "author-b");
        JsonObject noAuthor = StoryEvents.valid();
        noAuthor.remove("authorId");
        JsonObject whatsapp = StoryEvents.valid().put("platform", "whatsapp").put("shareTo", new JsonArray());
        String body = good1.encode() + "\n"
                + "{not json\n"
                + "\n"
                + noAuthor.encode() + "\n"
                + good2.encode() + "\n"
                + good1.encode() + "\n"
                + whatsapp.encode() + "\n";

        HttpResponse<String> response = gateway.postStories("application/x-ndjson", body);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject report = new JsonObject(response.body());
        assertThat(report.getInteger("accepted")).isEqualTo(2);
        assertThat(report.getInteger("duplicates")).isEqualTo(1);
        assertThat(report.getInteger("rejected")).isEqualTo(3);
        JsonArray results = report.getJsonArray("results");
        assertThat(results).hasSize(6);
        assertLine(results.getJsonObject(0), 1, "accepted", null);
        assertLine(results.getJsonObject(1), 2, "invalid", "body");
        assertLine(results.getJsonObject(2), 4, "invalid", "authorId");
        assertLine(results.getJsonObject(3), 5, "accepted", null);
        assertLine(results.getJsonObject(4), 6, "duplicate", null);
        assertLine(results.getJsonObject(5), 7, "forbidden", "platform");
        assertThat(streamEntriesOf(redis, keys, good1.getString("storyId"))).hasSize(1);
        assertThat(streamEntriesOf(redis, keys, good2.getString("storyId"))).hasSize(1);
        assertThat(streamEntriesOf(redis, keys, whatsapp.getString("storyId"))).isEmpty();
    }

    private static void assertLine(JsonObject result, int line, String status, String problemField) {
        assertThat(result.getInteger("line")).isEqualTo(line);
        assertThat(result.getString("status")).isEqualTo(status);
        if (problemField == null) {
            assertThat(result.getString("entryId")).isNotBlank();
        } else {
            assertThat(result.getJsonObject("problem").getString("field")).isEqualTo(problemField);
        }
    }

    @Test
    void refusesAnInvalidEventWithAProblemNamingTheField() {
        HttpResponse<String> response = gateway.postStories("application/json",
                StoryEvents.valid().put("platform", "myspace").encode());

        assertProblem(response, 400, "invalid-event");
        JsonObject problem = new JsonObject(response.body());
        assertThat(problem.getString("field")).isEqualTo("platform");
        assertThat(problem.getString("rule")).isEqualTo("enum");
        assertThat(problem.getString("detail")).contains("myspace");
    }

    @Test
    void refusesMalformedJson() {
        HttpResponse<String> response = gateway.postStories("application/json", "{\"platform\":");

        assertProblem(response, 400, "invalid-event");
        assertThat(new JsonObject(response.body()).getString("rule")).isEqualTo("json");
    }

    @Test
    void refusesAnEmptyBody() {
        assertProblem(gateway.postStories("application/json", ""), 400, "invalid-event");
    }

    @Test
    void refusesAMissingProducerKeyWith401() {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(StoryEvents.valid().encode())));

        assertProblem(response, 401, "unauthorized");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void refusesAnUnknownProducerKeyWith401() {
        JsonObject event = StoryEvents.valid();
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Authorization", "Bearer not-a-known-key-at-all")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event.encode())));

        assertProblem(response, 401, "unauthorized");
        assertThat(streamEntriesOf(redis, keys, event.getString("storyId"))).isEmpty();
    }

    @Test
    void refusesAPlatformOutsideTheProducersListWith403() {
        JsonObject event = StoryEvents.valid().put("platform", "messenger").put("shareTo", new JsonArray());

        HttpResponse<String> response = gateway.postStories("application/json", event.encode());

        assertProblem(response, 403, "forbidden-platform");
        assertThat(new JsonObject(response.body()).getString("detail")).contains("messenger");
        assertThat(streamEntriesOf(redis, keys, event.getString("storyId"))).isEmpty();
    }

    @Test
    void letsEachProducerPostForItsOwnPlatform() {
        JsonObject event = StoryEvents.valid().put("platform", "whatsapp").put("shareTo", new JsonArray().add("instagram"));

        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Authorization", "Bearer " + TestGateway.WHATSAPP_PRODUCER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event.encode())));

        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void refusesABodyOverTheLimitWith413() {
        String oversized = "{\"caption\":\"" + "x".repeat(70_000) + "\"}";

        HttpResponse<String> response = gateway.postStories("application/json", oversized);

        assertProblem(response, 413, "body-too-large");
        assertThat(new JsonObject(response.body()).getString("limit")).isEqualTo("http.maxBodyBytes");
    }

    @Test
    void refusesAChunkedBodyOverTheLimitWith413() {
        byte[] chunk = "x".repeat(16_384).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // ofInputStream has no known length, so the client sends it chunked: the limit must hold without a Content-Length.
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/stories"))
                .header("Authorization", "Bearer " + TestGateway.PRODUCER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
                        java.util.Collections.enumeration(java.util.stream.Stream
                                .generate(() -> (java.io.InputStream) new java.io.ByteArrayInputStream(chunk))
                                .limit(8).toList())))));

        assertProblem(response, 413, "body-too-large");
    }

    @Test
    void refusesMoreEventsThanTheBatchLimitWith413() {
        JsonObject first = StoryEvents.valid();
        StringBuilder body = new StringBuilder(first.encode()).append('\n');
        for (int i = 1; i < 11; i++) {
            body.append(StoryEvents.valid().encode()).append('\n');
        }

        HttpResponse<String> response = gateway.postStories("application/x-ndjson", body.toString());

        assertProblem(response, 413, "too-many-events");
        assertThat(new JsonObject(response.body()).getString("limit")).isEqualTo("ingest.maxBatchEvents");
        assertThat(streamEntriesOf(redis, keys, first.getString("storyId"))).as("nothing of the batch is stored").isEmpty();
    }

    @Test
    void refusesAWrongContentTypeWith415() {
        HttpResponse<String> response = gateway.postStories("text/plain", StoryEvents.valid().encode());

        assertProblem(response, 415, "unsupported-media-type");
        assertThat(new JsonObject(response.body()).getString("field")).isEqualTo("Content-Type");
    }

    @Test
    void answersUnknownPathsWithAProblem() {
        assertProblem(gateway.get("/v1/nothing-here"), 404, "not-found");
    }

    @Test
    void reportsAliveAndReady() {
        assertThat(gateway.get("/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = gateway.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(ready.body()).getString("status")).isEqualTo("ready");
    }
}
