package io.storycast.gateway;

import io.storycast.gateway.config.ConfigLoader;
import io.storycast.gateway.config.RedisConfig;
import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The default run: no Redis configured, the gateway brings its own and keeps its data across restarts. */
class EmbeddedRedisDefaultTest {

    @Test
    void startsAnEmbeddedRedisWhenNoneIsConfiguredAndKeepsAcceptedStoriesAcrossRestarts(@TempDir Path folder) throws Exception {
        Map<String, String> environment = Map.of(
                "STORYCAST_HTTP_PORT", "0",
                "STORYCAST_REDIS_EMBEDDED_DATA_DIR", folder.resolve("redis").toString(),
                "STORYCAST_MEDIA_STORE_DIR", folder.resolve("media").toString());
        StorycastConfig config = new ConfigLoader().load(null, environment);
        String event = StoryEvents.valid().encode();
        HttpClient http = HttpClient.newHttpClient();

        try (Gateway gateway = Gateway.start(config)) {
            assertThat(gateway.redisUrl()).startsWith("redis://127.0.0.1:");
            assertFanoutGroupOnEveryPartition(gateway.redisUrl(), config.ingest().streamPartitions());
            assertThat(post(http, gateway.port(), event).statusCode()).isEqualTo(202);
        }
        try (var files = Files.list(folder.resolve("redis"))) {
            assertThat(files.toList()).as("append-only file written").isNotEmpty();
        }

        try (Gateway gateway = Gateway.start(config)) {
            HttpResponse<String> retry = post(http, gateway.port(), event);
            assertThat(retry.statusCode()).as("the dedupe marker survived the restart: " + retry.body()).isEqualTo(200);
            assertThat(retry.body()).contains("\"duplicate\"");
        }
    }

    @Test
    void startsAnEmbeddedRedisClusterInClusterModeAndKeepsItAcrossRestarts(@TempDir Path folder) throws Exception {
        Map<String, String> environment = Map.of(
                "STORYCAST_HTTP_PORT", "0",
                "STORYCAST_REDIS_MODE", "cluster",
                "STORYCAST_REDIS_EMBEDDED_DATA_DIR", folder.resolve("cluster").toString(),
                "STORYCAST_MEDIA_STORE_DIR", folder.resolve("media").toString());
        StorycastConfig config = new ConfigLoader().load(null, environment);
        String event = StoryEvents.valid().encode();
        HttpClient http = HttpClient.newHttpClient();

        String firstUrl;
        try (Gateway gateway = Gateway.start(config)) {
            firstUrl = gateway.redisUrl();
            assertThat(RedisConfig.seedUrls(firstUrl)).as("one seed per master").hasSize(3);
            assertThat(clusterInfo(firstUrl)).contains("cluster_state:ok", "cluster_known_nodes:3", "cluster_size:3");
            assertFanoutGroupOnEveryPartition(firstUrl, config.ingest().streamPartitions());
            assertThat(post(http, gateway.port(), event).statusCode()).isEqualTo(202);
        }

        try (Gateway gateway = Gateway.start(config)) {
            assertThat(gateway.redisUrl()).as("the same nodes, on the ports kept in the folder").isEqualTo(firstUrl);
            HttpResponse<String> retry = post(http, gateway.port(), event);
            assertThat(retry.statusCode()).as("the dedupe marker survived the restart: " + retry.body()).isEqualTo(200);
            assertThat(retry.body()).contains("\"duplicate\"");
        }
    }

    private static String clusterInfo(String seedUrls) {
        Vertx vertx = Vertx.vertx();
        try {
            Redis node = Redis.createClient(vertx, RedisConfig.seedUrls(seedUrls).get(0));
            return TestRedis.await(node.send(Request.cmd(Command.CLUSTER).arg("INFO"))).toString();
        } finally {
            vertx.close().await();
        }
    }

    /** Checked before any request, so it is start-up (not /readyz) that created the groups. */
    private static void assertFanoutGroupOnEveryPartition(String redisUrl, int partitions) {
        Vertx vertx = Vertx.vertx();
        try {
            RedisOptions options = new RedisOptions();
            List<String> seeds = RedisConfig.seedUrls(redisUrl);
            if (seeds.size() > 1) {
                options.setType(RedisClientType.CLUSTER);
            }
            seeds.forEach(options::addConnectionString);
            RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, options));
            RedisKeys keys = new RedisKeys("storycast", partitions);
            for (int partition = 0; partition < partitions; partition++) {
                Response groups = TestRedis.await(redis.xinfo(List.of("GROUPS", keys.storyStream(partition))));
                assertThat(groups.size()).isEqualTo(1);
                assertThat(groups.get(0).get("name").toString()).isEqualTo(RedisKeys.FANOUT_GROUP);
                assertThat(groups.get(0).get("last-delivered-id").toString()).as("reads from the first entry").isEqualTo("0-0");
            }
            redis.close();
        } finally {
            vertx.close().await();
        }
    }

    private static HttpResponse<String> post(HttpClient http, int port, String event) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/stories"))
                .header("Authorization", "Bearer " + StorycastConfig.DEVELOPMENT_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
