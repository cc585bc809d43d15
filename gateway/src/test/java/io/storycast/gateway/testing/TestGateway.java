package io.storycast.gateway.testing;

import io.storycast.gateway.Gateway;
import io.storycast.gateway.config.ConfigLoader;
import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.metrics.ProcessMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real gateway in this JVM on a free loopback port, configured like production is: through
 * {@code STORYCAST_*} variables (given as a map), pointed at a test's Redis. Plus a real HTTP/1.1 client.
 */
public final class TestGateway implements AutoCloseable {
    /** The producer key of the test configuration; allowed for instagram and facebook only. */
    public static final String PRODUCER_KEY = "test-producer-key-0123456789";
    /** The stream partitions of the test configuration. */
    public static final int STREAM_PARTITIONS = 4;
    /** A second producer, allowed for whatsapp only. */
    public static final String WHATSAPP_PRODUCER_KEY = "whatsapp-producer-key-0123456789";
    /** A producer allowed for every platform, for tests that set up several platforms' audiences. */
    public static final String ALL_PLATFORMS_PRODUCER_KEY = "all-platforms-producer-key-0123456789";
    /** A tray reader allowed for every platform. */
    public static final String READER_KEY = "test-reader-key-0123456789";
    /** An operator's key, for the admin API, allowed for every platform. */
    public static final String ADMIN_KEY = "test-admin-key-0123456789";
    /** A tray reader allowed for instagram only. */
    public static final String INSTAGRAM_READER_KEY = "instagram-reader-key-0123456789";

    /** One rendition store for the test JVM's gateways (content-addressed, so sharing it is harmless). */
    private static final Path MEDIA_STORE = temporaryFolder("storycast-test-media");

    private final Gateway gateway;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Settings that turn the fan-out on, for {@link #start}'s overrides. */
    public static Map<String, String> withFanout(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(overrides);
        settings.put("STORYCAST_FANOUT_ENABLED", "true");
        return settings;
    }

    /**
     * @param overrides extra {@code STORYCAST_*} settings, e.g. {@code STORYCAST_HTTP_MAX_BODY_BYTES}; the
     *                  fan-out is off unless they turn it on ({@link #withFanout})
     */
    public static TestGateway start(String redisUrl, Map<String, String> overrides) {
        return new TestGateway(Gateway.start(config(redisUrl, overrides)));
    }

    /**
     * @return the key layout of a test gateway on this run's Redis mode: its prefix and partitions, and its live
     *         registry shards, which depend on the mode ({@code live.registryShards} 0)
     */
    public static RedisKeys keys() {
        return RedisKeys.of(config("redis://127.0.0.1:6379", Map.of()));
    }

    public static StorycastConfig config(String redisUrl, Map<String, String> overrides) {
        return new ConfigLoader().load(null, environment(redisUrl, overrides));
    }

    /** The environment a test gateway runs with. */
    public static Map<String, String> environment(String redisUrl, Map<String, String> overrides) {
        Map<String, String> environment = new HashMap<>();
        environment.put("STORYCAST_HTTP_PORT", "0");
        environment.put("STORYCAST_HTTP_INSTANCES", "2");
        // Many gateways run on this machine at once: each picks a free management port.
        environment.put("STORYCAST_METRICS_PORT", "0");
        environment.put("STORYCAST_REDIS_URL", redisUrl);
        environment.put("STORYCAST_REDIS_MODE", TestRedis.configuredMode());
        environment.put("STORYCAST_MEDIA_STORE_DIR", MEDIA_STORE.toString());
        environment.put("STORYCAST_REDIS_COMMAND_TIMEOUT_MILLIS", "500");
        environment.put("STORYCAST_INGEST_STREAM_PARTITIONS", Integer.toString(STREAM_PARTITIONS));
        environment.put("STORYCAST_SHUTDOWN_DRAIN_TIMEOUT_SECONDS", "5");
        environment.put("STORYCAST_PRODUCERS", "["
                + "{\"name\":\"meta-stories\",\"key\":\"" + PRODUCER_KEY + "\",\"platforms\":[\"instagram\",\"facebook\"]},"
                + "{\"name\":\"wa-status\",\"key\":\"" + WHATSAPP_PRODUCER_KEY + "\",\"platforms\":[\"whatsapp\"]},"
                + "{\"name\":\"all-platforms\",\"key\":\"" + ALL_PLATFORMS_PRODUCER_KEY + "\",\"platforms\":"
                + "[\"instagram\",\"facebook\",\"whatsapp\",\"messenger\"]}]");
        environment.put("STORYCAST_READERS", "["
                + "{\"name\":\"trays\",\"key\":\"" + READER_KEY + "\",\"platforms\":[\"instagram\",\"facebook\",\"whatsapp\",\"messenger\"]},"
                + "{\"name\":\"ig-trays\",\"key\":\"" + INSTAGRAM_READER_KEY + "\",\"platforms\":[\"instagram\"]}]");
        environment.put("STORYCAST_ADMINS", "[{\"name\":\"ops\",\"key\":\"" + ADMIN_KEY
                + "\",\"platforms\":[\"instagram\",\"facebook\",\"whatsapp\",\"messenger\"]}]");
        // Off unless a test is about the fan-out: ingest tests look at stream entries a fan-out would trim.
        environment.put("STORYCAST_FANOUT_ENABLED", "false");
        environment.put("STORYCAST_FANOUT_INSTANCES", "2");
        // Stories of most tests name media nobody uploads; the media tests turn the wait on.
        environment.put("STORYCAST_FANOUT_AWAIT_MEDIA", "false");
        environment.putAll(overrides);
        return environment;
    }

    private static Path temporaryFolder(String prefix) {
        try {
            Path folder = Files.createTempDirectory(prefix);
            folder.toFile().deleteOnExit();
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return gateway.port();
    }

    /** @return the management listener's URI for {@code path} ({@code /metrics}, {@code /v1/stats/latency}) */
    public URI metricsUri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.metricsPort() + path);
    }

    /** @return what the gateway measures: its stages' recorders, their intervals, its registry */
    public ProcessMetrics metrics() {
        return gateway.metrics();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    /** POSTs {@code body} to /v1/stories with the test producer's key. */
    public HttpResponse<String> postStories(String contentType, String body) {
        return send(HttpRequest.newBuilder(uri("/v1/stories"))
                .header("Authorization", "Bearer " + PRODUCER_KEY)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** GETs a page of a tray with the all-platform reader key. */
    public HttpResponse<String> getTray(String platform, String subscriberId, String query) {
        return send(HttpRequest.newBuilder(uri("/v1/trays/" + platform + "/" + subscriberId + (query.isEmpty() ? "" : "?" + query)))
                .header("Authorization", "Bearer " + READER_KEY).GET());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("HTTP request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
