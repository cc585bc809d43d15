package io.storycast.gateway.http;

import io.storycast.gateway.testing.MediaUploads;
import io.storycast.gateway.testing.RawHttpConnection;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.media.ffmpeg.TestImages;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.storycast.gateway.testing.MediaUploads.bytesOf;
import static io.storycast.gateway.testing.MediaUploads.put;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload has a time limit ({@code media.uploadTimeoutSeconds}): a client that trickles its body would
 * otherwise hold one of the {@code media.maxJobs} places for as long as it likes. One place here, so a
 * place not given back shows at once.
 */
class UploadTimeLimitTest {
    private static TestRedis redis;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of("STORYCAST_MEDIA_MAX_JOBS", "1",
                "STORYCAST_MEDIA_UPLOAD_TIMEOUT_SECONDS", "1"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    @Test
    void anUploadStillIncompleteAtItsTimeLimitIsAnswered408AndGivesItsPlaceAndIdBack() throws Exception {
        String mediaId = "trickle-" + System.nanoTime();
        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.head("PUT /v1/media/" + mediaId + " HTTP/1.1", "Authorization: Bearer " + TestGateway.PRODUCER_KEY,
                    "Content-Length: 1000").write(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
            RawHttpConnection.Response timedOut = connection.readResponse(); // and no more bytes ever come
            assertThat(timedOut.status()).as(timedOut.body()).isEqualTo(408);
            assertThat(new JsonObject(timedOut.body()).getString("limit")).isEqualTo("media.uploadTimeoutSeconds");
        }
        assertThat(MediaUploads.status(gateway, mediaId).getString("status")).isEqualTo("failed");

        // Its place came back (there is one), and so did its id.
        assertThat(put(gateway, mediaId, bytesOf(TestImages.redBlueJpeg(64, 64))).statusCode()).isEqualTo(202);
    }

    @Test
    void anUploadTimedOutWhileItsIdWasBeingClaimedIsRecordedAsTimedOut() throws Exception {
        // Redis holds every command for 2 s (CLIENT PAUSE answers at once, then pauses), so the claim of the id is
        // still on its way when the 1 s upload limit passes; the command timeout is longer than the pause.
        try (TestRedis paused = TestRedis.standalone();
             // One server, whatever the run's Redis mode: CLIENT PAUSE then holds every command of the gateway.
             TestGateway slowClaims = TestGateway.start(paused.url(), Map.of("STORYCAST_REDIS_MODE", "standalone",
                     "STORYCAST_MEDIA_UPLOAD_TIMEOUT_SECONDS", "1", "STORYCAST_REDIS_COMMAND_TIMEOUT_MILLIS", "5000"))) {
            String mediaId = "claim-pending-" + System.nanoTime();
            assertThat(TestRedis.await(paused.api().send(Command.CLIENT, "PAUSE", "2000", "ALL")).toString()).isEqualTo("OK");
            try (RawHttpConnection connection = new RawHttpConnection(slowClaims.port())) {
                connection.head("PUT /v1/media/" + mediaId + " HTTP/1.1", "Authorization: Bearer " + TestGateway.PRODUCER_KEY,
                        "Content-Length: 1000").write(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
                assertThat(connection.readResponse().status()).isEqualTo(408);
            }
            // Once the pause is over, the claim lands and then its failure: the record names the time limit, not a cut-off.
            JsonObject status = Awaitility.await().atMost(Duration.ofSeconds(20))
                    .ignoreExceptionsInstanceOf(AssertionError.class) // 404 until the claim lands
                    .until(() -> MediaUploads.status(slowClaims, mediaId), now -> "failed".equals(now.getString("status")));
            assertThat(status.getJsonObject("problem").getString("type")).endsWith("media-timed-out");
        }
    }
}
