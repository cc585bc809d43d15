package io.storycast.ops;

import io.storycast.gateway.config.ConfigLoader;
import io.storycast.gateway.config.StorycastConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.core.ExecutableProvider;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container build file, the systemd unit and the Redis Cluster settings, each checked against what it
 * configures: the gateway's own configuration loader, its defaults, and a real Redis 6.2 (the embedded-redis
 * binary) that must accept every setting.
 */
class DeploymentFilesTest {
    private static final StorycastConfig DEFAULTS = new ConfigLoader().load(null, Map.of());

    @Test
    void containerImageBuildsInStagesRunsAsAUserAndChecksHealthOnTheGatewaysPort() {
        List<String> lines = instructions(RepositoryFiles.read("ops/container/Containerfile"));
        List<String> froms = lines.stream().filter(line -> line.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0)).endsWith(" AS build");

        String runtime = String.join("\n", lines.subList(lines.indexOf(froms.get(1)), lines.size()));
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(runtime);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).doesNotStartWith("root").doesNotStartWith("0:").isNotEqualTo("0");
        Matcher health = Pattern.compile("(?m)^HEALTHCHECK .* CMD curl .*http://127\\.0\\.0\\.1:\\$\\{STORYCAST_HTTP_PORT:-(\\d+)}(/\\w+)")
                .matcher(runtime);
        assertThat(health.find()).as("HEALTHCHECK").isTrue();
        assertThat(health.group(2)).isEqualTo("/healthz");
        assertThat(Integer.parseInt(health.group(1))).isEqualTo(DEFAULTS.http().port());
        assertThat(runtime).contains("ENV STORYCAST_HTTP_HOST=0.0.0.0").contains("STORYCAST_HTTP_PORT=" + health.group(1))
                .contains("EXPOSE " + health.group(1) + " " + DEFAULTS.metrics().port());
        // The jar the build stage makes is the one the entry point runs.
        Matcher copy = Pattern.compile("(?m)^COPY --from=build /src/gateway/target/storycast-gateway.jar (\\S+)").matcher(runtime);
        assertThat(copy.find()).isTrue();
        assertThat(runtime).contains("ENTRYPOINT [\"java\", \"-jar\", \"" + copy.group(1) + "\"]");
        assertThat(lines).anyMatch(line -> line.contains("mvn") && line.contains("package -pl gateway -am"));
        // Production's base images are the defaults; a proxy's CA reaches the build stage only.
        assertThat(lines).contains("ARG BUILD_IMAGE=debian:bookworm-slim", "ARG RUNTIME_IMAGE=debian:bookworm-slim");
        assertThat(froms).containsExactly("FROM ${BUILD_IMAGE} AS build", "FROM --platform=linux/amd64 ${RUNTIME_IMAGE}");
        assertThat(runtime).doesNotContain("build-ca");
    }

    @Test
    void systemdUnitLoadsItsConfigurationAndWaitsLongerThanTheLongestDrain() {
        Map<String, String> unit = unitSettings(RepositoryFiles.read("ops/systemd/storycast-gateway.service"));
        assertThat(unit.get("ExecStart")).contains("-jar /opt/storycast/storycast-gateway.jar --config /etc/storycast/storycast.json");
        assertThat(unit.get("EnvironmentFile")).isEqualTo("/etc/storycast/storycast.env");
        assertThat(unit.get("User")).isNotEqualTo("root");
        assertThat(unit.get("KillSignal")).isEqualTo("SIGTERM");
        assertThat(unit.get("SuccessExitStatus")).contains("143");
        assertThat(unit.get("RestartPreventExitStatus")).isEqualTo("2");

        // The shipped storycast.json and the example environment file load through the gateway's own loader.
        ConfigLoader loader = new ConfigLoader();
        StorycastConfig config = loader.load(RepositoryFiles.path("ops/systemd/storycast.json"),
                environmentFile(RepositoryFiles.read("ops/systemd/storycast.env.example")));
        assertThat(loader.unusedEnvironmentVariables()).isEmpty();
        assertThat(config.redis().cluster()).isTrue();
        assertThat(config.usesDevelopmentKey()).isFalse();
        // Gateway.close: media jobs up to the drain time, then Vert.x up to the drain time + 10 s.
        assertThat(Integer.parseInt(unit.get("TimeoutStopSec").replace("s", "")))
                .isGreaterThanOrEqualTo(2 * config.shutdown().drainTimeoutSeconds() + 10);
        assertThat(unit.get("ReadWritePaths")).contains(Path.of(config.media().storeDir()).getParent().toString());
    }

    @Test
    void redisClusterSettingsAreEachExplainedAndARealRedisAcceptsThem(@TempDir Path folder) throws Exception {
        String text = RepositoryFiles.read("ops/redis/redis-cluster.conf");
        Map<String, String> settings = new HashMap<>();
        boolean explained = false; // within a block that starts with a comment (a blank line ends a block)
        for (String line : text.lines().toList()) {
            if (line.isBlank()) {
                explained = false;
            } else if (line.startsWith("#")) {
                explained = true;
            } else {
                assertThat(explained).as("a comment giving the reason for '%s'", line).isTrue();
                String[] directive = line.split("\\s+", 2);
                settings.merge(directive[0], directive[1], (a, b) -> a + "\n" + b);
            }
        }
        assertThat(settings).containsEntry("maxmemory-policy", "noeviction").containsEntry("appendonly", "yes")
                .containsEntry("cluster-enabled", "yes").containsKeys("cluster-node-timeout", "appendfsync");
        // A failover must take longer than the gateway's command timeout, or every blip of a master promotes a replica.
        assertThat(Long.parseLong(settings.get("cluster-node-timeout"))).isGreaterThan(DEFAULTS.redis().commandTimeoutMillis());

        // Redis 6.2 (the embedded-redis binary) starts with the file, a free port and a test folder, and reports
        // the settings back.
        File binary = ExecutableProvider.newJarResourceProvider().get();
        int port = freePort();
        Process redis = new ProcessBuilder(binary.getAbsolutePath(), RepositoryFiles.path("ops/redis/redis-cluster.conf").toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", folder.toString(), "--maxmemory", "64mb")
                .redirectErrorStream(true).start();
        try {
            String log = readUntil(redis, "Ready to accept connections");
            assertThat(log).contains("Ready to accept connections").doesNotContain("Bad directive");
            assertThat(configGet(port, settings.get("requirepass"), "maxmemory-policy")).isEqualTo("noeviction");
            assertThat(configGet(port, settings.get("requirepass"), "lazyfree-lazy-expire")).isEqualTo("yes");
        } finally {
            redis.destroy();
            if (!redis.waitFor(20, TimeUnit.SECONDS)) {
                redis.destroyForcibly();
            }
        }
    }

    /** @return CONFIG GET's value for a setting, asked with the configured password */
    private static String configGet(int port, String password, String setting) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Redis client = Redis.createClient(vertx, "redis://:" + password + "@127.0.0.1:" + port);
            Response reply = client.send(Request.cmd(Command.CONFIG).arg("GET").arg(setting)).await(10, TimeUnit.SECONDS);
            client.close();
            return reply.get(setting).toString(); // RESP3: CONFIG GET answers a map
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static String readUntil(Process process, String marker) throws Exception {
        CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
            StringBuilder log = new StringBuilder();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    log.append(line).append('\n');
                    if (line.contains(marker)) {
                        return log.toString();
                    }
                }
            } catch (IOException e) {
                log.append(e);
            }
            return log.toString();
        });
        return seen.get(30, TimeUnit.SECONDS);
    }

    /** @return a build file's instructions, continuation lines joined, comments and blank lines left out */
    private static List<String> instructions(String text) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.lines().toList()) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            current.append(current.length() == 0 ? line : " " + line.strip());
            if (line.endsWith("\\")) {
                current.setLength(current.length() - 1);
            } else {
                instructions.add(current.toString().replaceAll("\\s+", " ").strip());
                current.setLength(0);
            }
        }
        return instructions;
    }

    /** @return a unit file's settings (continuation lines joined); a setting given twice keeps both, newline separated */
    private static Map<String, String> unitSettings(String text) {
        Map<String, String> settings = new HashMap<>();
        for (String line : instructions(text)) {
            int equals = line.indexOf('=');
            if (equals > 0 && !line.startsWith("[")) {
                settings.merge(line.substring(0, equals).strip(), line.substring(equals + 1).strip(), (a, b) -> a + "\n" + b);
            }
        }
        return settings;
    }

    /** @return the variables of an environment file, as systemd (or a shell) reads single-quoted values */
    private static Map<String, String> environmentFile(String text) {
        Map<String, String> environment = new HashMap<>();
        for (String line : text.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            String value = line.substring(equals + 1);
            if (value.startsWith("'") && value.endsWith("'")) {
                value = value.substring(1, value.length() - 1);
            } else {
                assertThat(value).as("an unquoted value systemd would strip of its quotes").doesNotContain("\"");
            }
            environment.put(line.substring(0, equals), value);
        }
        return environment;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
