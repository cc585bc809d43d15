package io.storycast.ops;

import io.storycast.gateway.redis.RedisClusterCommand;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local stack's Redis Cluster: {@link RedisClusterCommand} in a process of its own forms a 3-master cluster,
 * writes its seed URLs once it serves every slot, and stops every node on SIGTERM.
 */
class RedisClusterCommandTest {
    @Test
    void formsAClusterWritesItsSeedsAndStopsEveryNodeOnSigterm(@TempDir Path folder) throws Exception {
        Path urlFile = folder.resolve("cluster-url");
        Process command = java("--data-dir", folder.resolve("redis").toString(), "--masters", "3", "--url-file", urlFile.toString());
        Vertx vertx = Vertx.vertx();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(urlFile) || !command.isAlive());
            String url = Files.readString(urlFile, StandardCharsets.US_ASCII).trim();
            assertThat(url.split(",")).hasSize(3).allMatch(seed -> seed.matches("redis://127\\.0\\.0\\.1:\\d+"));

            RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
            for (String seed : url.split(",")) {
                options.addConnectionString(seed);
            }
            Redis cluster = Redis.createClient(vertx, options);
            String info = cluster.send(Request.cmd(Command.CLUSTER).arg("INFO")).await(10, TimeUnit.SECONDS).toString();
            assertThat(info).contains("cluster_state:ok").contains("cluster_slots_ok:16384").contains("cluster_known_nodes:3");
            // Keys in slots of different masters are written and read back through the cluster client.
            for (String key : List.of("{storycast:p0}:probe", "{storycast:p1}:probe", "{storycast:p2}:probe")) {
                cluster.send(Request.cmd(Command.SET).arg(key).arg(key)).await(10, TimeUnit.SECONDS);
                assertThat(cluster.send(Request.cmd(Command.GET).arg(key)).await(10, TimeUnit.SECONDS).toString()).isEqualTo(key);
            }
            cluster.close();

            List<ProcessHandle> nodes = command.toHandle().descendants().toList();
            assertThat(nodes).hasSize(3);
            command.destroy(); // SIGTERM
            assertThat(command.waitFor(60, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(nodes).noneMatch(ProcessHandle::isAlive));
        } finally {
            List<ProcessHandle> left = command.toHandle().descendants().toList(); // before the kill orphans them
            command.destroyForcibly();
            left.forEach(ProcessHandle::destroyForcibly);
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusesAnUnknownArgumentWithStatus2() throws Exception {
        Process command = java("--data-dir", "x", "--replicas", "1");
        String output = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(command.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(command.exitValue()).isEqualTo(2);
        assertThat(output).contains("usage:").contains("--data-dir DIR");
    }

    @Test
    void refusesMastersOutOfTheGatewaysRangeWithStatus2() throws Exception {
        Process command = java("--data-dir", "x", "--masters", "0");
        String output = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(command.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(command.exitValue()).isEqualTo(2);
        assertThat(output).contains("'--masters' must be between 1 and 16, was 0");
    }

    private static Process java(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RedisClusterCommand.class.getName()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
