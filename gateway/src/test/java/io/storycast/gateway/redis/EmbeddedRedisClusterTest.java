package io.storycast.gateway.redis;

import io.storycast.gateway.config.RedisConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded Redis Cluster's ports: each node's and its cluster bus port are usable, and kept only once it formed. */
class EmbeddedRedisClusterTest {

    @Test
    void skipsPortsAboveTheLimitAndPortsWhoseClusterBusPortIsTaken() throws Exception {
        try (ServerSocket heldBusPort = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            int busTaken = heldBusPort.getLocalPort() - EmbeddedRedisCluster.BUS_PORT_OFFSET;
            Iterator<Integer> offered = List.of(60_000, EmbeddedRedisCluster.MAX_NODE_PORT + 1, busTaken).iterator();
            IntSupplier freePorts = () -> offered.hasNext() ? offered.next() : EmbeddedRedis.freeLoopbackPort();

            List<Integer> ports = EmbeddedRedisCluster.choosePorts(3, freePorts);

            assertThat(offered).as("every odd port was offered").isExhausted();
            assertThat(ports).hasSize(3).doesNotHaveDuplicates()
                    .doesNotContain(60_000, EmbeddedRedisCluster.MAX_NODE_PORT + 1, busTaken)
                    .allSatisfy(port -> assertThat(port).isLessThanOrEqualTo(EmbeddedRedisCluster.MAX_NODE_PORT));
            Set<Integer> busPorts = ports.stream().map(port -> port + EmbeddedRedisCluster.BUS_PORT_OFFSET)
                    .collect(Collectors.toCollection(HashSet::new));
            assertThat(busPorts).as("no node's port is another's bus port").doesNotContainAnyElementsOf(ports);
        }
    }

    @Test
    void aFailedStartKeepsNoPortsAndTheNextStartFormsTheClusterAndKeepsItsPorts(@TempDir Path folder) throws Exception {
        Path blocked = folder.resolve("node-1");
        Files.writeString(blocked, "not a folder: node 1 cannot start");

        assertThatThrownBy(() -> EmbeddedRedisCluster.start(folder, "no", 3)).isInstanceOf(RuntimeException.class);
        assertThat(folder.resolve(EmbeddedRedisCluster.PORTS_FILE)).as("no ports kept by a start that failed")
                .doesNotExist();
        assertThat(folder.resolve("node-0").resolve("nodes.conf")).as("nor the cluster state of the node that started")
                .doesNotExist();

        Files.delete(blocked);
        List<Integer> ports;
        try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(folder, "no", 3)) {
            ports = ports(cluster);
            assertThat(ports).allSatisfy(port -> assertThat(port).isLessThanOrEqualTo(EmbeddedRedisCluster.MAX_NODE_PORT));
            assertThat(Files.readString(folder.resolve(EmbeddedRedisCluster.PORTS_FILE), StandardCharsets.US_ASCII))
                    .isEqualTo(ports.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        try (EmbeddedRedisCluster again = EmbeddedRedisCluster.start(folder, "no", 3)) {
            assertThat(ports(again)).as("a restart on the folder reuses the kept ports").isEqualTo(ports);
        }
    }

    private static List<Integer> ports(EmbeddedRedisCluster cluster) {
        return RedisConfig.seedUrls(cluster.url()).stream().map(url -> URI.create(url).getPort()).toList();
    }
}
