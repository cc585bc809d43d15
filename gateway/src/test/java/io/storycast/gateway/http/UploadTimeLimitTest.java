package io.storycast.gateway.http;

import io.storycast.gateway.testing.MediaUploads;
import io.storycast.gateway.testing.RawHttpConnection;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.media.ffmpeg.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
}
