package io.storycast.ops;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.storycast.media.ffmpeg.TestVideos;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The container image built for real from {@code ops/container/Containerfile} with podman, on an imported
 * stand-in for {@code debian:bookworm-slim} ({@link ContainerBuild}), and run as the Kubernetes Deployment runs
 * it: read-only root file system with a writable /tmp, every capability dropped, no privilege escalation. No Redis
 * is configured, so the gateway starts its embedded one (in /tmp). Everything is checked over real loopback
 * HTTP through podman's port mapping. The tests share one container and run in order: the last stops it.
 * Tag {@code container}, profile with-container.
 */
@Tag("container")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageTest {
    private static final String KEY = "storycast-dev-key"; // the documented development producer, reader and admin
    private static final int STOP_TIMEOUT_SECONDS = 80; // the README's --stop-timeout: 2 x 30 s drain + 10 s, + 10 s
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Podman podman = new Podman();
    private final String container = "storycast-image-test-" + ProcessHandle.current().pid();
    private String image;
    private int port;

    @BeforeAll
    void buildAndStart() throws Exception {
        image = new ContainerBuild(podman).build();
        port = freePort();
        List<String> run = new ArrayList<>(List.of("run", "--detach", "--name", container, "--pull=never"));
        run.addAll(podman.ulimits());
        run.addAll(List.of("--read-only", "--cap-drop=ALL", "--security-opt", "no-new-privileges",
                // The embedded Redis's append-only file: the working directory is on the read-only root.
                "--env", "STORYCAST_REDIS_EMBEDDED_DATA_DIR=/tmp/redis",
                "--publish", "127.0.0.1:" + port + ":8080", image));
        podman.run(Duration.ofMinutes(1), run).ok();
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> get("/healthz").statusCode() == 200);
        } catch (RuntimeException | Error e) {
            throw new AssertionError("the container did not serve /healthz:\n" + logs(), e);
        }
    }

    @AfterAll
    void remove() throws Exception {
        if (Boolean.getBoolean("storycast.ops.keepContainer")) {
            return;
        }
        podman.run(Duration.ofMinutes(2), "rm", "--force", "--volumes", "--time", "5", container);
    }

    @Test
    @Order(1)
    void builtImageRunsJavaAsPid1AsUser10001WithTheHealthCheckStopSignalAndJvmOptions() throws Exception {
        assertThat(podman.inspect(image, "{{.Config.User}}")).isEqualTo("10001:10001");
        assertThat(podman.inspect(image, "{{json .Config.Entrypoint}}"))
                .isEqualTo("[\"java\",\"-jar\",\"/opt/storycast/storycast-gateway.jar\"]");
        assertThat(podman.inspect(image, "{{.Config.StopSignal}}")).isEqualTo("SIGTERM");
        assertThat(podman.inspect(image, "{{json .HealthCheck.Test}}")).contains("/healthz");
        assertThat(podman.inspect(image, "{{json .Config.Env}}"))
                .contains("-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp").contains("-Djna.tmpdir=/tmp/jna")
                .contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(podman.inspect(image, "{{json .Config.Volumes}}")).contains("/var/lib/storycast/media");

        // The running container: java is PID 1 (it gets SIGTERM itself), on the host as uid 10001, not root.
        String top = podman.run(Duration.ofSeconds(30), "top", container, "pid", "huser", "user", "comm").ok().output();
        assertThat(top.lines().filter(line -> line.strip().startsWith("1 ")).findFirst())
                .hasValueSatisfying(pid1 -> assertThat(pid1.strip().split("\\s+")).containsExactly("1", "10001", "storycast", "java"));
        assertThat(top.lines().skip(1)).allSatisfy(line -> assertThat(line).contains(" 10001 "));
        Commands.Result write = podman.run(Duration.ofSeconds(30), "exec", container, "touch", "/opt/storycast/x");
        assertThat(write.status()).isNotZero();
        assertThat(write.output()).contains("Read-only file system");
    }

    @Test
    @Order(2)
    void servesHealthAndReadinessOverLoopbackAndItsOwnHealthCheckPasses() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(get("/readyz").statusCode()).isEqualTo(200));

        // The image's HEALTHCHECK command (curl inside the container), run by podman as Docker would run it.
        podman.run(Duration.ofSeconds(30), "healthcheck", "run", container).ok();
        assertThat(podman.inspect(container, "{{.State.Health.Status}}")).isEqualTo("healthy");
    }

    @Test
    @Order(3)
    void storyPostedWithTheDevelopmentKeyReachesATrayOnceFfmpegInTheImageMadeItsRenditions() throws Exception {
        String media = "m-image-test";
        HttpResponse<String> upload = send(HttpRequest.newBuilder(uri("/v1/media/" + media))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(TestImages.jpeg(640, 360))));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
        HttpResponse<String> audience = send(HttpRequest.newBuilder(uri("/v1/audiences/instagram/a-image/default"))
                .POST(HttpRequest.BodyPublishers.ofString("[\"u-image\"]")).header("Content-Type", "application/json"));
        assertThat(audience.statusCode()).as(audience.body()).isEqualTo(200);

        JsonObject story = new JsonObject().put("platform", "instagram").put("storyId", "s-image-test")
                .put("authorId", "a-image").put("createdAt", Instant.now().toString()).put("audience", "default")
                .put("media", new JsonObject().put("id", media).put("kind", "image")).put("caption", "from the image");
        HttpResponse<String> posted = send(HttpRequest.newBuilder(uri("/v1/stories"))
                .POST(HttpRequest.BodyPublishers.ofString(story.encode())).header("Content-Type", "application/json"));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        assertThat(new JsonObject(posted.body()).getString("status")).isEqualTo("accepted");

        // The story waits for its media's renditions (fanout.awaitMedia), then reaches the audience's tray.
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<String> tray = get("/v1/trays/instagram/u-image");
            assertThat(tray.statusCode()).as(tray.body()).isEqualTo(200);
            JsonArray stories = new JsonObject(tray.body()).getJsonArray("stories");
            assertThat(stories).hasSize(1);
            assertThat(stories.getJsonObject(0).getString("storyId")).isEqualTo("s-image-test");
        });
        JsonObject status = new JsonObject(get("/v1/media/" + media).body());
        assertThat(status.getString("status")).isEqualTo("ready");
        assertThat(status.getJsonObject("renditions").getJsonArray("instagram")).isNotEmpty();
        // FFmpeg's native libraries were unpacked where JAVA_TOOL_OPTIONS says, on the writable /tmp.
        assertThat(podman.run(Duration.ofSeconds(30), "exec", container, "find", "/tmp/javacpp", "-name", "libavcodec.so*")
                .ok().output()).contains("libavcodec.so");
    }

    @Test
    @Order(4)
    void videoIsEncodedThroughTheImagesSystemOpenH264() throws Exception {
        assertThat(logs()).as("the start-up log names the encoder")
                .contains("video: H.264 through system libopenh264.so.7 (OpenH264 2.");
        ByteBuf clip = TestVideos.clip(640, 360, 30, 1, TestVideos.Audio.AAC);
        byte[] video = ByteBufUtil.getBytes(clip);
        clip.release();
        String media = "m-video-test";
        HttpResponse<String> upload = send(HttpRequest.newBuilder(uri("/v1/media/" + media))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(video)));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);

        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(new JsonObject(get("/v1/media/" + media).body()).getString("status")).isEqualTo("ready"));
        JsonObject story = new JsonObject(get("/v1/media/" + media).body()).getJsonObject("renditions")
                .getJsonArray("whatsapp").getJsonObject(0);
        assertThat(story.getString("codec")).isEqualTo("h264");
        assertThat(story.getInteger("durationMillis")).isEqualTo(1000);
    }

    @Test
    @Order(5)
    void sigtermWaitsForAnUploadInFlightThenExitsWith143WithinTheStopTimeout() throws Exception {
        byte[] jpeg = TestImages.jpeg(320, 180);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("PUT /v1/media/m-drain HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Length: " + jpeg.length + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // 100 Continue: the upload is admitted (a media job from now on), before a byte of it is sent.
            assertThat(statusLine(in)).startsWith("HTTP/1.1 100");
            readHeaders(in);
            int half = jpeg.length / 2;
            out.write(jpeg, 0, half);
            out.flush();

            long stopStart = System.nanoTime();
            Process stop = new ProcessBuilder(podmanCommand("stop", "--time", Integer.toString(STOP_TIMEOUT_SECONDS), container))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            // Draining: readiness says so at once (load balancers take the gateway out), the upload may finish.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> get("/readyz").statusCode() == 503);
            assertThat(logs()).contains("stopping: draining in-flight requests");
            assertThat(stop.isAlive()).as("podman stop waits for the drain").isTrue();

            out.write(jpeg, half, jpeg.length - half);
            out.flush();
            String answer = statusLine(in);
            assertThat(answer).startsWith("HTTP/1.1 202");

            assertThat(stop.waitFor(STOP_TIMEOUT_SECONDS + 20, TimeUnit.SECONDS)).isTrue();
            double stopSeconds = (System.nanoTime() - stopStart) / 1e9;
            System.out.printf("container: SIGTERM to exit %.1f s with an upload in flight%n", stopSeconds);
            assertThat(stop.exitValue()).isZero();
            assertThat(stopSeconds).isLessThan(STOP_TIMEOUT_SECONDS);
        }
        // 143 = 128 + SIGTERM: the JVM's clean exit after its shutdown hook, as the systemd unit also expects.
        assertThat(podman.inspect(container, "{{.State.ExitCode}}")).isEqualTo("143");
        String logs = logs();
        assertThat(logs).contains("stopped the embedded Redis").contains("INFO  [storycast-shutdown] i.s.gateway.Gateway - stopped")
                .doesNotContain("media jobs still running").doesNotContain("did not stop cleanly");
    }

    private String logs() throws Exception {
        return podman.run(Duration.ofSeconds(30), "logs", container).output();
    }

    private List<String> podmanCommand(String... arguments) {
        List<String> command = new ArrayList<>(podman.command());
        command.addAll(Arrays.asList(arguments));
        return command;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String statusLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new AssertionError("the connection closed after: " + line);
            }
            line.append((char) b);
        }
        return line.toString().strip();
    }

    private static void readHeaders(InputStream in) throws Exception {
        while (!statusLine(in).isEmpty()) {
            // a header line of the interim response
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
