package io.storycast.gateway.http;

import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.media.ffmpeg.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.MediaUploads.bytesOf;
import static io.storycast.gateway.testing.MediaUploads.put;
import static io.storycast.gateway.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The media bounds on a gateway of its own (no other test's upload holds anything): the job bound (uploads
 * that started and did not finish hold their places; the next one is refused at once with 503) and the
 * memory bound (an upload whose bytes do not fit waits paused, then is refused with 503 when the wait
 * runs out); both come back when the holding uploads' connections close.
 */
class MediaAdmissionTest {
    private static final int MAX_JOBS = 3;
    private static final int MEMORY_BYTES = 1024 * 1024;
    private static TestRedis redis;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of("STORYCAST_MEDIA_MAX_JOBS", Integer.toString(MAX_JOBS),
                "STORYCAST_MEDIA_MAX_UPLOAD_BYTES", Integer.toString(MEMORY_BYTES),
                "STORYCAST_MEDIA_MAX_BUFFERED_BYTES", Integer.toString(MEMORY_BYTES),
                "STORYCAST_MEDIA_MEMORY_WAIT_SECONDS", "3"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    @Test
    void aFullJobPoolAnswers503WithRetryAfterAndFreesWhenUploadsEnd() throws Exception {
        List<Socket> unfinished = new ArrayList<>();
        try {
            for (int upload = 0; upload < MAX_JOBS; upload++) {
                unfinished.add(startUploadWithoutFinishing("slow-" + upload, 1000));
            }
            // The server admits an upload when its headers arrive and records it as processing: wait for that.
            for (int upload = 0; upload < MAX_JOBS; upload++) {
                String path = "/v1/media/slow-" + upload;
                await().atMost(Duration.ofSeconds(10)).until(() -> gateway.send(HttpRequest.newBuilder(gateway.uri(path))
                        .header("Authorization", "Bearer " + TestGateway.READER_KEY).GET()).statusCode() == 200);
            }
            HttpResponse<String> refused = tinyUpload("refused");
            assertProblem(refused, 503, "media-busy");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        } finally {
            for (Socket socket : unfinished) {
                socket.close();
            }
        }
        awaitAcceptedAndDone("after");
    }

    @Test
    void anUploadThatFindsNoMemoryWaitsAndIsRefused503WhenTheWaitRunsOut() throws Exception {
        Socket holder = startUploadWithoutFinishing("memory-holder-" + System.nanoTime(), MEMORY_BYTES);
        try {
            // The holder reserves its whole declared length when it is claimed; until then small uploads still fit.
            await().atMost(Duration.ofSeconds(15)).until(() -> tinyUpload("squeezed").statusCode() == 503);
            HttpResponse<String> refused = tinyUpload("squeezed");
            JsonObject problem = assertProblem(refused, 503, "media-busy");
            assertThat(problem.getString("limit")).isEqualTo("media.maxBufferedBytes");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        } finally {
            holder.close();
        }
        awaitAcceptedAndDone("after-memory");
    }

    @Test
    void aClientThatLeavesWhileWaitingForMemoryGivesItsPlaceBackAndFreesItsId() throws Exception {
        Socket holder = startUploadWithoutFinishing("memory-holder-" + System.nanoTime(), MEMORY_BYTES);
        List<String> leavers = List.of("leaver-a-" + System.nanoTime(), "leaver-b-" + System.nanoTime());
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> tinyUpload("squeezed").statusCode() == 503);
            List<Socket> waiting = new ArrayList<>();
            for (String leaver : leavers) {
                waiting.add(startUploadWithoutFinishing(leaver, MEMORY_BYTES));
            }
            // Claimed, and now waiting for the holder's memory: then they go away.
            for (String leaver : leavers) {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> statusOf(leaver) == 200);
            }
            double cutOffBefore = mediaJobs("cut-off");
            for (Socket socket : waiting) {
                socket.close();
            }
            for (String leaver : leavers) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway.send(HttpRequest.newBuilder(
                        gateway.uri("/v1/media/" + leaver)).header("Authorization", "Bearer " + TestGateway.READER_KEY).GET())
                        .body()).contains("\"failed\"", "cut off"));
            }
            assertThat(mediaJobs("cut-off") - cutOffBefore).as("each leaver counted as cut off once").isEqualTo(leavers.size());
        } finally {
            holder.close();
        }
        // Every place came back: as many uploads as the bound allows are admitted at once again.
        List<Socket> unfinished = new ArrayList<>();
        try {
            for (int upload = 0; upload < MAX_JOBS; upload++) {
                String mediaId = "again-" + upload + "-" + System.nanoTime();
                unfinished.add(startUploadWithoutFinishing(mediaId, 1000));
                await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(mediaId) == 200);
            }
        } finally {
            for (Socket socket : unfinished) {
                socket.close();
            }
        }
        awaitAcceptedAndDone("after-leavers");
    }

    /** @return the {@code storycast.media.jobs} counter of an outcome, as {@code GET /metrics} exposes it */
    private static double mediaJobs(String outcome) {
        return gateway.metrics().registry().get("storycast.media.jobs").tag("outcome", outcome).counter().count();
    }

    private static int statusOf(String mediaId) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/media/" + mediaId))
                .header("Authorization", "Bearer " + TestGateway.READER_KEY).GET()).statusCode();
    }

    /**
     * Uploads until one is accepted, then waits for its job to end, so no test leaves a job behind that
     * holds a place in the next one.
     */
    private static void awaitAcceptedAndDone(String name) {
        String mediaId = name + "-" + System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> put(gateway, mediaId, bytesOf(TestImages.redBlueJpeg(64, 64)))
                .statusCode() == 202);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/media/" + mediaId))
                .header("Authorization", "Bearer " + TestGateway.READER_KEY).GET()).body().contains("\"ready\""));
    }

    private static HttpResponse<String> tinyUpload(String name) {
        return put(gateway, name + "-" + System.nanoTime(), bytesOf(TestImages.redBlueJpeg(64, 64)));
    }

    /** Sends the headers and the first bytes of a body, and leaves the rest unsent: the upload holds its place. */
    private static Socket startUploadWithoutFinishing(String mediaId, int declaredLength) throws IOException {
        Socket socket = new Socket("127.0.0.1", gateway.port());
        OutputStream out = socket.getOutputStream();
        out.write(("PUT /v1/media/" + mediaId + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + TestGateway.PRODUCER_KEY + "\r\nContent-Length: " + declaredLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
        out.flush();
        return socket;
    }
}
