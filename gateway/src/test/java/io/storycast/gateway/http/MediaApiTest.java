package io.storycast.gateway.http;

import io.netty.buffer.ByteBuf;
import io.storycast.gateway.testing.MediaUploads;
import io.storycast.gateway.testing.RawHttpConnection;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.media.ffmpeg.TestImages;
import io.storycast.media.ffmpeg.TestClip;
import io.storycast.media.ffmpeg.TestVideos;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.storycast.gateway.testing.MediaUploads.bytesOf;
import static io.storycast.gateway.testing.MediaUploads.put;
import static io.storycast.gateway.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The media API over real loopback HTTP with real images made by FFmpeg: upload, status, rendition bytes
 * (ETag, Range), and every way an upload is refused.
 */
class MediaApiTest {
    private static final int MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
    private static TestRedis redis;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of(
                "STORYCAST_MEDIA_MAX_UPLOAD_BYTES", Integer.toString(MAX_UPLOAD_BYTES)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    private static String newId(String name) {
        return name + "-" + System.nanoTime();
    }

    @Test
    void anUploadedJpegBecomesEveryPlatformsRenditionsServedWithEtagAndRange() throws Exception {
        String mediaId = newId("photo");
        HttpResponse<String> accepted = put(gateway, mediaId, bytesOf(TestImages.redBlueJpeg(2000, 1500)));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("Location")).hasValue("/v1/media/" + mediaId);
        assertThat(new JsonObject(accepted.body()).getString("status")).isEqualTo("processing");

        JsonObject ready = awaitStatus(mediaId, "ready");
        JsonObject renditions = ready.getJsonObject("renditions");
        assertThat(renditions.fieldNames()).containsExactlyInAnyOrder("instagram", "facebook", "whatsapp", "messenger");
        JsonObject story = renditions.getJsonArray("instagram").getJsonObject(0);
        assertThat(story.getString("name")).isEqualTo("story");
        assertThat(story.getInteger("width")).isEqualTo(1080);
        assertThat(story.getInteger("height")).isEqualTo(1920);
        assertThat(story.getString("codec")).isEqualTo("mjpeg");
        JsonObject whatsapp = renditions.getJsonArray("whatsapp").getJsonObject(0);
        assertThat(whatsapp.getInteger("width")).isEqualTo(720);
        assertThat(whatsapp.getInteger("bytes")).isLessThanOrEqualTo(1_000_000);

        HttpResponse<byte[]> full = getBytes(story.getString("url"), Map.of());
        assertThat(full.statusCode()).isEqualTo(200);
        assertThat(full.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(full.body()).hasSize(story.getInteger("bytes"));
        assertThat(sha256(full.body())).as("the served bytes are the listed ones").isEqualTo(story.getString("sha256"));
        assertThat(full.headers().firstValue("ETag")).hasValue("\"" + story.getString("sha256") + "\"");

        assertThat(getBytes(story.getString("url"), Map.of("If-None-Match", "\"" + story.getString("sha256") + "\""))
                .statusCode()).isEqualTo(304);
        HttpResponse<byte[]> head = getBytes(story.getString("url"), Map.of("Range", "bytes=0-99"));
        assertThat(head.statusCode()).isEqualTo(206);
        assertThat(head.headers().firstValue("Content-Range")).hasValue("bytes 0-99/" + full.body().length);
        assertThat(head.body()).containsExactly(Arrays.copyOf(full.body(), 100));
        HttpResponse<byte[]> tail = getBytes(story.getString("url"), Map.of("Range", "bytes=-10"));
        assertThat(tail.body()).containsExactly(Arrays.copyOfRange(full.body(), full.body().length - 10, full.body().length));
        assertThat(getBytes(story.getString("url"), Map.of("Range", "bytes=99999999-")).statusCode()).isEqualTo(416);
    }

    @Test
    void renditionBytesHonourConditionalAndRangeHeadersAsRfc9110Says() throws Exception {
        String mediaId = newId("conditional");
        assertThat(put(gateway, mediaId, bytesOf(TestImages.redBlueJpeg(640, 480))).statusCode()).isEqualTo(202);
        JsonObject story = awaitStatus(mediaId, "ready").getJsonObject("renditions").getJsonArray("instagram").getJsonObject(0);
        String url = story.getString("url");
        String etag = "\"" + story.getString("sha256") + "\"";
        int size = story.getInteger("bytes");

        assertThat(getBytes(url, Map.of("If-None-Match", "W/" + etag)).statusCode()).as("weak comparison").isEqualTo(304);
        assertThat(getBytes(url, Map.of("If-None-Match", "\"other\", " + etag)).statusCode()).as("a list").isEqualTo(304);
        assertThat(getBytes(url, Map.of("If-None-Match", "*")).statusCode()).isEqualTo(304);
        assertThat(getBytes(url, Map.of("If-None-Match", "\"other\"")).statusCode()).isEqualTo(200);
        assertThat(getBytes(url, Map.of("If-None-Match", etag, "Range", "bytes=" + size + "-")).statusCode())
                .as("If-None-Match before Range").isEqualTo(304);
        assertThat(getBytes(url, Map.of("Range", "BYTES=0-9")).statusCode()).as("the unit in any case").isEqualTo(206);

        // Ranges the gateway does not serve are ignored: the whole rendition, never a hung or failed request.
        for (String ignored : List.of("bytes=99999999999999999999-", "bytes=0-1,5-9", "bytes=9-2", "lines=0-3", "bytes=x-")) {
            HttpResponse<byte[]> whole = getBytes(url, Map.of("Range", ignored));
            assertThat(whole.statusCode()).as(ignored).isEqualTo(200);
            assertThat(whole.body()).as(ignored).hasSize(size);
        }
        assertThat(getBytes(url, Map.of("Range", "bytes=0-9", "If-Range", "\"changed\"")).statusCode())
                .as("If-Range that does not match: the whole rendition").isEqualTo(200);
        HttpResponse<byte[]> part = getBytes(url, Map.of("Range", "bytes=0-9", "If-Range", etag));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).hasSize(10);

        HttpResponse<byte[]> unsatisfiable = getBytes(url, Map.of("Range", "bytes=" + size + "-"));
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(unsatisfiable.headers().firstValue("Content-Range")).hasValue("bytes */" + size);
        assertThat(unsatisfiable.headers().firstValue("Cache-Control")).as("an error is not cached for a year").isEmpty();
    }

    @Test
    void aRefusedUploadWithASmallUnreadBodyKeepsItsConnectionForTheNextRequest() throws Exception {
        String mediaId = newId("taken");
        assertThat(put(gateway, mediaId, bytesOf(TestImages.redBlueJpeg(64, 64))).statusCode()).isEqualTo(202);

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.head("PUT /v1/media/" + mediaId + " HTTP/1.1", "Authorization: Bearer " + TestGateway.PRODUCER_KEY,
                    "Content-Length: 1000").write(new byte[1000]);
            RawHttpConnection.Response conflict = connection.readResponse();
            assertThat(conflict.status()).as(conflict.body()).isEqualTo(409);

            // The refused body was read and thrown away, so the connection serves the next request.
            connection.head("GET /v1/media/" + mediaId + " HTTP/1.1", "Authorization: Bearer " + TestGateway.READER_KEY);
            assertThat(connection.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void aClientThatExpects100ContinueIsAskedForItsBodyOnlyOnceTheUploadIsAdmitted() throws Exception {
        String mediaId = newId("continue");
        byte[] image = bytesOf(TestImages.redBlueJpeg(64, 64));
        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.head("PUT /v1/media/" + mediaId + " HTTP/1.1", "Authorization: Bearer " + TestGateway.PRODUCER_KEY,
                    "Content-Length: " + image.length, "Expect: 100-continue");
            assertThat(connection.readResponse().status()).isEqualTo(100);
            connection.write(image);
            assertThat(connection.readResponse().status()).isEqualTo(202);

            // A second upload under the same id is refused before the client sends a byte of it.
            connection.head("PUT /v1/media/" + mediaId + " HTTP/1.1", "Authorization: Bearer " + TestGateway.PRODUCER_KEY,
                    "Content-Length: " + image.length, "Expect: 100-continue");
            assertThat(connection.readResponse().status()).isEqualTo(409);
        }
    }

    @Test
    void aRefusedUploadWhoseClientStopsSendingHasItsConnectionClosedAfterTheLinger() throws Exception {
        String mediaId = newId("taken-large");
        assertThat(put(gateway, mediaId, bytesOf(TestImages.redBlueJpeg(64, 64))).statusCode()).isEqualTo(202);

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.head("PUT /v1/media/" + mediaId + " HTTP/1.1", "Authorization: Bearer " + TestGateway.PRODUCER_KEY,
                    "Content-Length: " + (2 * 1024 * 1024)).write(new byte[1024]);
            RawHttpConnection.Response conflict = connection.readResponse();
            assertThat(conflict.status()).as(conflict.body()).isEqualTo(409);
            // The rest never comes: the gateway reads what does for a while, then closes rather than wait for ever.
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void refusesAChunkedUploadPastTheByteLimitWith413AndRecordsWhy() throws Exception {
        String mediaId = newId("chunked-huge");
        byte[] chunk = new byte[64 * 1024];
        chunk[0] = (byte) 0xFF;
        chunk[1] = (byte) 0xD8;
        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.head("PUT /v1/media/" + mediaId + " HTTP/1.1", "Authorization: Bearer " + TestGateway.PRODUCER_KEY,
                    "Transfer-Encoding: chunked");
            // No Content-Length to refuse it up front: the limit is found while reading, one chunk past it.
            for (int sent = 0; sent <= MAX_UPLOAD_BYTES; sent += chunk.length) {
                connection.chunk(chunk);
            }
            RawHttpConnection.Response tooLarge = connection.readResponse();
            assertThat(tooLarge.status()).as(tooLarge.body()).isEqualTo(413);
            assertThat(new JsonObject(tooLarge.body()).getString("limit")).isEqualTo("media.maxUploadBytes");

            // The client ends its body: the rest was thrown away and the connection serves the next request.
            connection.chunk(new byte[0]);
            connection.head("GET /v1/media/" + mediaId + " HTTP/1.1", "Authorization: Bearer " + TestGateway.READER_KEY);
            assertThat(connection.readResponse().status()).isEqualTo(200);
        }
        assertThat(awaitStatus(mediaId, "failed").getJsonObject("problem").getString("type")).endsWith("media-too-large");
    }

    @Test
    void anUploadedVideoBecomesEveryPlatformsMp4WithItsDurationServedAsVideo() throws Exception {
        String mediaId = newId("clip");
        HttpResponse<String> accepted = put(gateway, mediaId, bytesOf(TestVideos.clip(320, 240, 30, 2, TestVideos.Audio.AAC)));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(new JsonObject(accepted.body()).getString("kind")).isEqualTo("video");

        JsonObject renditions = awaitStatus(mediaId, "ready").getJsonObject("renditions");
        assertThat(renditions.fieldNames()).containsExactlyInAnyOrder("instagram", "facebook", "whatsapp", "messenger");
        JsonObject whatsapp = renditions.getJsonArray("whatsapp").getJsonObject(0);
        assertThat(renditions.getJsonArray("whatsapp")).as("two seconds: one segment").hasSize(1);
        assertThat(whatsapp.getString("name")).isEqualTo("story");
        assertThat(whatsapp.getString("format")).isEqualTo("mp4");
        assertThat(whatsapp.getString("codec")).isEqualTo("h264");
        assertThat(whatsapp.getInteger("width")).isEqualTo(720);
        assertThat(whatsapp.getInteger("height")).isEqualTo(1280);
        assertThat(whatsapp.getLong("durationMillis")).isBetween(1900L, 2100L);

        HttpResponse<byte[]> mp4 = getBytes(whatsapp.getString("url"), Map.of());
        assertThat(mp4.statusCode()).isEqualTo(200);
        assertThat(mp4.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(sha256(mp4.body())).isEqualTo(whatsapp.getString("sha256"));
        assertThat(new String(mp4.body(), 4, 4, StandardCharsets.ISO_8859_1)).as("an MP4 starts with its ftyp box").isEqualTo("ftyp");
    }

    @Test
    void refusesAVideoWhoseHeaderClaimsMoreThanTheDurationLimitWith422BeforeTranscoding() {
        byte[] clip = bytesOf(TestVideos.clip(160, 120, 10, 1, TestVideos.Audio.NONE));
        int mvhd = indexOf(clip, "mvhd");
        ByteBuffer header = ByteBuffer.wrap(clip); // after the type: version and flags, created, modified, timescale, duration
        long timescale = Integer.toUnsignedLong(header.getInt(mvhd + 16));
        header.putInt(mvhd + 20, (int) (timescale * 3600)); // claims an hour

        JsonObject problem = assertProblem(put(gateway, newId("long"), clip), 422, "media-too-long");
        assertThat(problem.getString("limit")).isEqualTo("media.maxDurationSeconds");
    }

    @Test
    void refusesDolbyVisionProfileFiveWith422SayingWhy() {
        byte[] clip = bytesOf(new TestClip(160, 288, 10).seconds(0.3).audio(TestVideos.Audio.NONE).dolbyVision(5, 0).make());

        JsonObject problem = assertProblem(put(gateway, newId("dovi"), clip), 422, "unsupported-media-type");
        assertThat(problem.getString("detail")).startsWith("Dolby Vision profile 5 with signal compatibility 0 is not supported");
    }

    @Test
    void aReaderGetsOnlyItsPlatformsRenditions() {
        String mediaId = newId("photo");
        assertThat(put(gateway, mediaId, bytesOf(TestImages.redBluePng(640, 480))).statusCode()).isEqualTo(202);
        JsonObject ready = awaitStatus(mediaId, "ready");
        String whatsappUrl = ready.getJsonObject("renditions").getJsonArray("whatsapp").getJsonObject(0).getString("url");

        HttpResponse<String> forbidden = gateway.send(HttpRequest.newBuilder(gateway.uri(whatsappUrl))
                .header("Authorization", "Bearer " + TestGateway.INSTAGRAM_READER_KEY).GET());
        assertProblem(forbidden, 403, "forbidden-platform");
        assertProblem(gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/media/" + mediaId + "/instagram/poster"))
                .header("Authorization", "Bearer " + TestGateway.READER_KEY).GET()), 404, "not-found");
    }

    @Test
    void refusesPlaylistsAndListsPosingAsMediaWith422() {
        for (String hostile : List.of("#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n", "ffconcat version 1.0\nfile '/etc/passwd'\n")) {
            String mediaId = newId("hostile");
            JsonObject problem = assertProblem(put(gateway, mediaId, hostile.getBytes(StandardCharsets.UTF_8)), 422, "unsupported-media-type");
            assertThat(problem.getString("detail")).contains("not a JPEG, PNG, WebP or MP4");
            JsonObject status = status(mediaId);
            assertThat(status.getString("status")).isEqualTo("failed");
            assertThat(status.getJsonObject("problem").getString("type")).endsWith("unsupported-media-type");
        }
    }

    @Test
    void refusesAPngWhoseHeaderClaims30000x30000With422NamingTheLimit() {
        ByteBuf png = TestImages.redBluePng(64, 64);
        png.setInt(16, 30000).setInt(20, 30000);

        JsonObject problem = assertProblem(put(gateway, newId("bomb"), bytesOf(png)), 422, "media-too-many-pixels");
        assertThat(problem.getString("limit")).isEqualTo("media.maxPixels");
        assertThat(problem.getString("detail")).contains("30000x30000");
    }

    @Test
    void refusesAnUploadAboveTheByteLimitWith413() {
        byte[] large = new byte[MAX_UPLOAD_BYTES + 1];
        large[0] = (byte) 0xFF;
        large[1] = (byte) 0xD8;
        large[2] = (byte) 0xFF;

        JsonObject problem = assertProblem(put(gateway, newId("large"), large), 413, "media-too-large");
        assertThat(problem.getString("limit")).isEqualTo("media.maxUploadBytes");
    }

    @Test
    void aCorruptJpegIsAcceptedThenMarkedFailedWithItsReason() {
        byte[] bytes = bytesOf(TestImages.redBlueJpeg(640, 480));
        int frameHeader = indexOf(bytes, (byte) 0xFF, (byte) 0xC0);
        bytes[frameHeader + 9] = 0; // no colour components: the size in the header is fine, the picture cannot be decoded
        String mediaId = newId("corrupt");

        assertThat(put(gateway, mediaId, bytes).statusCode()).isEqualTo(202);

        JsonObject failed = awaitStatus(mediaId, "failed");
        assertThat(failed.getJsonObject("problem").getString("type")).endsWith("media-corrupt");
        assertThat(failed.getJsonObject("problem").getInteger("status")).isEqualTo(422);
    }

    @Test
    void aSecondUploadUnderTheSameIdIsAConflict() {
        String mediaId = newId("twice");
        assertThat(put(gateway, mediaId, bytesOf(TestImages.redBlueJpeg(320, 240))).statusCode()).isEqualTo(202);

        double conflicts = gateway.metrics().registry().get("storycast.media.jobs").tag("outcome", "conflict").counter().count();
        assertProblem(put(gateway, mediaId, bytesOf(TestImages.redBlueJpeg(320, 240))), 409, "media-exists");
        assertThat(gateway.metrics().registry().get("storycast.media.jobs").tag("outcome", "conflict").counter().count())
                .isEqualTo(conflicts + 1);
    }

    private static JsonObject status(String mediaId) {
        return MediaUploads.status(gateway, mediaId);
    }

    private static JsonObject awaitStatus(String mediaId, String expected) {
        Function<String, JsonObject> read = MediaApiTest::status;
        return await().atMost(Duration.ofSeconds(30)).until(() -> read.apply(mediaId), status -> {
            assertThat(status.getString("status")).as("never passes through another end state").isIn("processing", expected);
            return expected.equals(status.getString("status"));
        });
    }

    private static HttpResponse<byte[]> getBytes(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + TestGateway.READER_KEY);
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static int indexOf(byte[] bytes, String type) {
        byte[] wanted = type.getBytes(StandardCharsets.ISO_8859_1);
        for (int at = 0; at + wanted.length <= bytes.length; at++) {
            if (Arrays.equals(bytes, at, at + wanted.length, wanted, 0, wanted.length)) {
                return at;
            }
        }
        throw new AssertionError("no " + type + " box");
    }

    private static int indexOf(byte[] bytes, byte first, byte second) {
        for (int at = 0; at + 1 < bytes.length; at++) {
            if (bytes[at] == first && bytes[at + 1] == second) {
                return at;
            }
        }
        throw new AssertionError("no marker");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
