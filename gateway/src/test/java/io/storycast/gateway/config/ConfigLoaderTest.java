package io.storycast.gateway.config;

import io.storycast.gateway.StorycastGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void loadsTheDocumentedDefaults() {
        StorycastConfig config = loader.load(null, Map.of());

        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.http().maxBodyBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(config.redis().url()).isNull();
        assertThat(config.ingest().streamPartitions()).isEqualTo(16);
        assertThat(config.ingest().maxBatchEvents()).isEqualTo(1000);
        assertThat(config.ingest().maxStoryLifetimeSeconds()).isEqualTo(86_400);
        assertThat(config.producers()).singleElement().satisfies(producer -> {
            assertThat(producer.key()).isEqualTo(StorycastConfig.DEVELOPMENT_KEY);
            assertThat(producer.platforms()).containsExactly("instagram", "facebook", "whatsapp", "messenger");
        });
        assertThat(config.usesDevelopmentKey()).isTrue();
    }

    @Test
    void theLiveRegistryHasOneShardOnAStandaloneRedisAndSixteenOnAClusterUnlessNamed() {
        LiveConfig byDefault = loader.load(null, Map.of()).live();
        LiveConfig named = loader.load(null, Map.of("STORYCAST_LIVE_REGISTRY_SHARDS", "4")).live();

        assertThat(byDefault.registryShards()).isZero();
        assertThat(byDefault.registryShardsOn(false)).isEqualTo(1);
        assertThat(byDefault.registryShardsOn(true)).isEqualTo(LiveConfig.CLUSTER_REGISTRY_SHARDS);
        assertThat(named.registryShardsOn(false)).isEqualTo(4);
        assertThat(named.registryShardsOn(true)).isEqualTo(4);
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_LIVE_REGISTRY_SHARDS", "-1")))
                .hasMessageContaining("live.registryShards");
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesTheFile(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("storycast.json");
        Files.writeString(file, """
                {"http": {"port": 9000, "maxInFlightRequests": 50},
                 "redis": {"url": "redis://10.0.0.5:6379", "embedded": {"appendFsync": "always"}},
                 "producers": [{"name": "ig-stories", "key": "ig-key-0123456789abcdef", "platforms": ["instagram"]}]}
                """);
        Path withReaders = folder.resolve("with-readers.json");
        Files.writeString(withReaders, """
                {"producers": [{"name": "ig-stories", "key": "ig-key-0123456789abcdef", "platforms": ["instagram"]}],
                 "readers": [{"name": "ig-trays", "key": "ig-key-0123456789abcdef", "platforms": ["instagram"]}],
                 "admins": [{"name": "ops", "key": "ops-key-0123456789abcdef", "platforms": ["instagram"]}]}
                """);

        StorycastConfig config = loader.load(file, Map.of("STORYCAST_HTTP_PORT", "9100", "STORYCAST_INGEST_STREAM_PARTITIONS", "64"));

        assertThat(config.http().port()).isEqualTo(9100);
        assertThat(config.http().maxInFlightRequests()).isEqualTo(50);
        assertThat(config.http().host()).as("untouched keys keep their default").isEqualTo("127.0.0.1");
        assertThat(config.redis().url()).isEqualTo("redis://10.0.0.5:6379");
        assertThat(config.redis().embedded().appendFsync()).isEqualTo("always");
        assertThat(config.redis().embedded().dataDir()).isEqualTo("storycast-data/redis");
        assertThat(config.ingest().streamPartitions()).isEqualTo(64);
        assertThat(config.producers()).singleElement().extracting(ApiKeyConfig::name).isEqualTo("ig-stories");
        assertThat(config.usesDevelopmentKey()).as("the readers still use the development key").isTrue();
        StorycastConfig noDevelopmentKey = loader.load(withReaders, Map.of());
        assertThat(noDevelopmentKey.readers()).singleElement().extracting(ApiKeyConfig::name).isEqualTo("ig-trays");
        assertThat(noDevelopmentKey.usesDevelopmentKey()).isFalse();
    }

    @Test
    void readsProducersFromTheEnvironmentAsJson() {
        StorycastConfig config = loader.load(null, Map.of("STORYCAST_PRODUCERS",
                "[{\"name\":\"fb\",\"key\":\"fb-key-0123456789abcdef\",\"platforms\":[\"facebook\",\"messenger\"]}]"));

        assertThat(config.producers()).singleElement().satisfies(producer ->
                assertThat(producer.platforms()).containsExactly("facebook", "messenger"));
    }

    @Test
    void namesTheEnvironmentVariableOfEveryKey() {
        assertThat(ConfigLoader.environmentVariableOf("http.port")).isEqualTo("STORYCAST_HTTP_PORT");
        assertThat(ConfigLoader.environmentVariableOf("redis.url")).isEqualTo("STORYCAST_REDIS_URL");
        assertThat(ConfigLoader.environmentVariableOf("redis.embedded.dataDir")).isEqualTo("STORYCAST_REDIS_EMBEDDED_DATA_DIR");
        assertThat(ConfigLoader.environmentVariableOf("http.maxInFlightRequests")).isEqualTo("STORYCAST_HTTP_MAX_IN_FLIGHT_REQUESTS");
    }

    @Test
    void rejectsAValueOfTheWrongTypeNamingTheKey() {
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_HTTP_PORT", "eighty")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'http.port'")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo("http.port");
    }

    @Test
    void refusesALiveTokenSecretShorterThanItsHashAndAHeartbeatPastTheIdleTimeout() {
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_LIVE_TOKEN_SECRET", "only-31-bytes-of-secret-0123456")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'live.tokenSecret'").hasMessageContaining("32 bytes")
                .hasMessageNotContaining("only-31-bytes");
        assertThat(loader.load(null, Map.of("STORYCAST_LIVE_TOKEN_SECRET", "exactly-32-bytes-of-secret-01234")).live().serves())
                .isTrue();
        assertThat(loader.load(null, Map.of()).live().serves()).as("no secret, no live connections").isFalse();
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_HTTP_IDLE_TIMEOUT_SECONDS", "10",
                "STORYCAST_LIVE_HEARTBEAT_SECONDS", "10")))
                .hasMessageContaining("'live.heartbeatSeconds'").hasMessageContaining("http.idleTimeoutSeconds");
        assertThat(loader.load(null, Map.of("STORYCAST_LIVE_TOKEN_SECRET", "exactly-32-bytes-of-secret-01234")).live()
                .toString()).doesNotContain("exactly-32");
    }

    @Test
    void choosesTheH264EncoderAndRefusesAnUnusableSystemLibraryNamingTheKey() {
        assertThat(loader.load(null, Map.of()).media().h264Encoder()).isEqualTo("auto");
        assertThat(loader.load(null, Map.of("STORYCAST_MEDIA_H264_ENCODER", "bundled")).media().h264Encoders().usesSystemLibrary())
                .isFalse();
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_MEDIA_H264_ENCODER", "x264")))
                .hasMessageContaining("'media.h264Encoder'").hasMessageContaining("auto, system or bundled");

        Map<String, String> missingLibrary = Map.of("STORYCAST_MEDIA_OPENH264_LIBRARY", "/nonexistent/libopenh264.so.7");
        assertThat(loader.load(null, missingLibrary).media().h264Encoders().description())
                .as("auto falls back, saying why").startsWith("FFmpeg's bundled").contains("/nonexistent/libopenh264.so.7");
        MediaConfig system = loader.load(null, Map.of("STORYCAST_MEDIA_H264_ENCODER", "system",
                "STORYCAST_MEDIA_OPENH264_LIBRARY", "/nonexistent/libopenh264.so.7")).media();
        assertThatThrownBy(system::h264Encoders).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'media.openh264Library'").hasMessageContaining("cannot load /nonexistent/libopenh264.so.7");
    }

    @Test
    void rejectsAValueOutOfRangeNamingTheKeyAndTheRange() {
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_INGEST_STREAM_PARTITIONS", "0")))
                .hasMessageContaining("'ingest.streamPartitions'").hasMessageContaining("between 1 and 1024");
    }

    @Test
    void rejectsAnUnknownKeyInTheFileNamingIt(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("storycast.json");
        Files.writeString(file, "{\"http\": {\"prot\": 9000}}");

        assertThatThrownBy(() -> loader.load(file, Map.of())).hasMessageContaining("http.prot");
    }

    @Test
    void rejectsAFileThatIsNotJson(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("storycast.json");
        Files.writeString(file, "http.port = 9000");

        assertThatThrownBy(() -> loader.load(file, Map.of())).hasMessageContaining("not valid JSON");
    }

    @Test
    void rejectsAProducerWithAnUnknownPlatform() {
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_PRODUCERS",
                "[{\"name\":\"x\",\"key\":\"x-key-0123456789abcdef\",\"platforms\":[\"tiktok\"]}]")))
                .hasMessageContaining("'producers[0].platforms[0]'").hasMessageContaining("tiktok");
    }

    @Test
    void rejectsTwoProducersSharingAKey() {
        String producer = "{\"name\":\"%s\",\"key\":\"same-key-0123456789\",\"platforms\":[\"instagram\"]}";
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_PRODUCERS",
                "[" + producer.formatted("a") + "," + producer.formatted("b") + "]")))
                .hasMessageContaining("'producers[1].key'");
    }

    @Test
    void rejectsARedisUrlWithAnotherScheme() {
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_REDIS_URL", "http://127.0.0.1:6379")))
                .hasMessageContaining("'redis.url'");
    }

    @Test
    void readsAClusterOfSeveralSeedsAndRefusesSeveralServersOutsideClusterMode() {
        StorycastConfig cluster = loader.load(null, Map.of("STORYCAST_REDIS_MODE", "cluster",
                "STORYCAST_REDIS_URL", "redis://10.0.0.5:7000, redis://10.0.0.6:7000"));
        assertThat(cluster.redis().cluster()).isTrue();
        assertThat(RedisConfig.seedUrls(cluster.redis().url())).containsExactly("redis://10.0.0.5:7000", "redis://10.0.0.6:7000");

        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_REDIS_URL", "redis://10.0.0.5:7000,redis://10.0.0.6:7000")))
                .hasMessageContaining("'redis.url'").hasMessageContaining("redis.mode cluster");
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_REDIS_MODE", "cluster",
                "STORYCAST_REDIS_URL", "redis://10.0.0.5:7000/2")))
                .hasMessageContaining("'redis.url'").hasMessageContaining("database");
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_REDIS_MODE", "sentinel")))
                .hasMessageContaining("'redis.mode'");
        assertThatThrownBy(() -> loader.load(null, Map.of("STORYCAST_REDIS_EMBEDDED_CLUSTER_MASTERS", "0")))
                .hasMessageContaining("'redis.embedded.clusterMasters'");
    }

    @Test
    void reportsStorycastVariablesThatMatchNoKey() {
        loader.load(null, Map.of("STORYCAST_HTTP_PROT", "1", "STORYCAST_HTTP_PORT", "1", "STORYCAST_LOG_LEVEL", "DEBUG"));

        assertThat(loader.unusedEnvironmentVariables()).containsExactly("STORYCAST_HTTP_PROT");
    }

    @Test
    void stopsStartUpWithExitStatus2AndAMessageNamingTheKey() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StorycastGateway.class.getName()).redirectErrorStream(true);
        builder.environment().put("STORYCAST_HTTP_MAX_BODY_BYTES", "lots");
        Process process = builder.start();

        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("'http.maxBodyBytes'");
    }

    @Test
    void readmeDocumentsEveryKeyWithItsVariableAndDefault() throws IOException {
        Path readme = Path.of(System.getProperty("storycast.repositoryRoot", ".."), "README.md");
        String text = Files.readString(readme);
        var defaults = loader.defaultsTree();
        List<String> keys = loader.keyPaths();

        assertThat(keys).contains("http.port", "redis.embedded.dataDir", "producers");
        for (String key : keys) {
            String row = text.lines().filter(line -> line.startsWith("| `" + key + "`")).findFirst()
                    .orElseThrow(() -> new AssertionError("README.md has no configuration row for " + key));
            assertThat(row).contains("`" + ConfigLoader.environmentVariableOf(key) + "`");
            var value = defaults.at("/" + key.replace('.', '/'));
            if (value.isValueNode()) {
                assertThat(row).as("default of " + key).contains("`" + value.asText() + "`");
            }
        }
    }
}
