package io.storycast.gateway.media;

import io.netty.buffer.ByteBuf;
import io.storycast.gateway.testing.ForkedGateway;
import io.storycast.gateway.testing.MediaUploads;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.media.ffmpeg.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Media stays off the Java heap: a gateway with a 192 MiB heap takes twenty 30 MB uploads at once (600 MB,
 * three times its heap) and makes every one's renditions. Its garbage collector's log shows what the heap
 * held after each collection; the media never counts there. Netty's leak detector runs at PARANOID in the
 * gateway process, and any leak it reports fails the test.
 */
class UploadHeapTest {
    private static final int UPLOADS = 20;
    private static final int UPLOAD_BYTES = 30 * 1024 * 1024;
    /** Live heap after a collection: a gateway holds about 27 MiB (the test prints it; 11 of them the latency histograms);
     * two uploads on the heap would be 60 more. */
    private static final long MOST_LIVE_HEAP_MIB = 64;
    private static final Pattern AFTER_COLLECTION = Pattern.compile("\\[gc\\s*\\].*\\d+M->(\\d+)M\\(\\d+M\\)");

    private static TestRedis redis;
    private static ForkedGateway gateway;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = ForkedGateway.start("heap", redis.url(), Map.of(
                        "STORYCAST_MEDIA_MAX_JOBS", Integer.toString(UPLOADS),
                        "STORYCAST_MEDIA_MAX_UPLOAD_BYTES", Integer.toString(UPLOAD_BYTES + 1024 * 1024),
                        "STORYCAST_MEDIA_MEMORY_WAIT_SECONDS", "120",
                        "STORYCAST_MEDIA_JOB_TIMEOUT_SECONDS", "120"),
                // Direct memory is sized apart from the heap: it must hold media.maxBufferedBytes (256 MiB) and the renditions.
                List.of("-Xmx192m", "-XX:MaxDirectMemorySize=1g", "-Xlog:gc:stdout", "-Dio.netty.leakDetection.level=paranoid"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    @Test
    void twentyConcurrent30MegabyteUploadsCompleteWithA192MegabyteHeap() throws Exception {
        byte[] upload = thirtyMegabyteJpeg();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < UPLOADS; i++) {
            String mediaId = "heavy-" + i + "-" + System.nanoTime();
            ids.add(mediaId);
            sent.add(client.sendAsync(HttpRequest.newBuilder(gateway.uri("/v1/media/" + mediaId))
                    .header("Authorization", "Bearer " + TestGateway.PRODUCER_KEY)
                    .timeout(Duration.ofMinutes(3))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> response : sent) {
            HttpResponse<String> answered = response.join();
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(202);
        }
        for (String mediaId : ids) {
            await().atMost(Duration.ofMinutes(3)).until(() -> !"processing".equals(status(client, mediaId).getString("status")));
            assertThat(status(client, mediaId).getString("status")).as(mediaId).isEqualTo("ready");
        }

        List<Long> liveAfterCollections = new ArrayList<>();
        for (String line : gateway.log()) {
            Matcher matcher = AFTER_COLLECTION.matcher(line);
            if (matcher.find()) {
                liveAfterCollections.add(Long.parseLong(matcher.group(1)));
            }
        }
        assertThat(liveAfterCollections).as("the gateway collected garbage while it worked").isNotEmpty();
        // The figure the README quotes: the most heap live after any collection.
        System.out.printf("UploadHeapTest: %d collections, at most %d MiB live after one%n", liveAfterCollections.size(),
                liveAfterCollections.stream().mapToLong(Long::longValue).max().orElseThrow());
        assertThat(liveAfterCollections).as("MiB live after each collection").allSatisfy(live ->
                assertThat(live).isLessThanOrEqualTo(MOST_LIVE_HEAP_MIB));
        assertThat(gateway.log()).as("no leak, no heap exhaustion")
                .noneMatch(line -> line.contains("LEAK:") || line.contains("OutOfMemoryError"));
    }

    private static JsonObject status(HttpClient client, String mediaId) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gateway.uri("/v1/media/" + mediaId))
                .header("Authorization", "Bearer " + TestGateway.READER_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new JsonObject(response.body());
    }

    /** A real JPEG padded to 30 MB the way cameras pad theirs: bytes after the end-of-image marker. */
    private static byte[] thirtyMegabyteJpeg() {
        ByteBuf photo = TestImages.photoLikeJpeg(4000, 3000);
        byte[] upload = new byte[UPLOAD_BYTES];
        int length = photo.readableBytes();
        photo.getBytes(photo.readerIndex(), upload, 0, Math.min(length, UPLOAD_BYTES));
        photo.release();
        return upload;
    }
}
