package io.storycast.gateway.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of master processes on loopback ports ({@link EmbeddedRedis} in cluster mode, no
 * replicas), for the default run in cluster mode, the tests and the local multi-node stack. A new cluster
 * is formed as {@code redis-cli --cluster create} would: each master is given an equal range of the 16384
 * hash slots and a distinct config epoch, then they are introduced ({@code CLUSTER MEET}). The ports are
 * kept in the data folder ({@code cluster-ports}) and each node's cluster state in its own folder, so a
 * restart on the same folder brings back the same cluster with its data.
 *
 * <p>{@link #start} and {@link #stop} block; call them from a plain thread.
 */
public final class EmbeddedRedisCluster implements LocalRedis {
    /** Hash slots of every Redis Cluster. */
    public static final int SLOTS = 16384;
    /** {@code cluster-node-timeout}: a node unreachable this long counts as failed, milliseconds. */
    static final long NODE_TIMEOUT_MILLIS = 3000;
    private static final long READY_TIMEOUT_MILLIS = 30_000;
    private static final String PORTS_FILE = "cluster-ports";

    private final List<EmbeddedRedis> nodes;

    private EmbeddedRedisCluster(List<EmbeddedRedis> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts the cluster kept in {@code dataDir}, or forms a new one there, and waits until every node
     * reports {@code cluster_state:ok}.
     *
     * @param dataDir     folder of the cluster: one sub-folder per node, created if missing
     * @param appendFsync {@code always}, {@code everysec} or {@code no}
     * @param masters     number of masters of a new cluster, 1 to 16; a kept cluster must have as many
     * @throws IllegalStateException when the folder holds a cluster of another size, or it does not form
     */
    public static EmbeddedRedisCluster start(Path dataDir, String appendFsync, int masters) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(appendFsync, "appendFsync");
        if (masters < 1 || masters > 16) {
            throw new IllegalArgumentException("masters must be 1 to 16, was " + masters);
        }
        List<Integer> ports = ports(dataDir, masters);
        List<EmbeddedRedis> nodes = new ArrayList<>(masters);
        try {
            for (int node = 0; node < masters; node++) {
                nodes.add(EmbeddedRedis.startClusterNode(dataDir.resolve("node-" + node), appendFsync,
                        ports.get(node), NODE_TIMEOUT_MILLIS));
            }
            EmbeddedRedisCluster cluster = new EmbeddedRedisCluster(nodes);
            cluster.formAndAwaitReady();
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(EmbeddedRedis::stop);
            throw e;
        }
    }

    /** @return each master's URL, in node order */
    public List<String> nodeUrls() {
        return nodes.stream().map(EmbeddedRedis::url).toList();
    }

    /** @return every master's URL separated by commas: a seed list for {@code redis.url} */
    @Override
    public String url() {
        return String.join(",", nodeUrls());
    }

    @Override
    public synchronized void start() {
        nodes.forEach(EmbeddedRedis::start);
        formAndAwaitReady();
    }

    @Override
    public synchronized void stop() {
        RuntimeException failure = null;
        for (EmbeddedRedis node : nodes) {
            try {
                node.stop();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The ports kept in the folder, or new free ones written there. */
    private static List<Integer> ports(Path dataDir, int masters) {
        Path file = dataDir.resolve(PORTS_FILE);
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(file)) {
                List<Integer> kept = Arrays.stream(Files.readString(file, StandardCharsets.US_ASCII).trim().split(","))
                        .map(Integer::parseInt).toList();
                if (kept.size() != masters) {
                    throw new IllegalStateException(dataDir + " holds an embedded cluster of " + kept.size()
                            + " masters, not " + masters + ": configure redis.embedded.clusterMasters " + kept.size()
                            + " or another redis.embedded.dataDir");
                }
                return kept;
            }
            List<Integer> chosen = new ArrayList<>(masters);
            while (chosen.size() < masters) {
                int port = EmbeddedRedis.freeLoopbackPort();
                if (!chosen.contains(port)) {
                    chosen.add(port);
                }
            }
            Files.writeString(file, chosen.stream().map(String::valueOf).collect(Collectors.joining(",")),
                    StandardCharsets.US_ASCII);
            return chosen;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the embedded cluster's ports in " + file, e);
        }
    }

    /** Forms the cluster if its nodes are new, then waits until every node serves every slot. */
    private void formAndAwaitReady() {
        Vertx vertx = Vertx.vertx();
        List<Redis> clients = nodes.stream().map(node -> Redis.createClient(vertx, node.url())).toList();
        try {
            List<Map<String, String>> infos = clusterInfos(clients);
            boolean fresh = infos.stream().allMatch(info -> "0".equals(info.get("cluster_slots_assigned"))
                    && "1".equals(info.get("cluster_known_nodes")));
            if (fresh) {
                form(clients);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
            while (!ready(infos)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the embedded Redis Cluster at " + url()
                            + " did not become ready within " + READY_TIMEOUT_MILLIS + " ms: " + infos);
                }
                pause();
                infos = clusterInfos(clients);
            }
        } finally {
            vertx.close().await();
        }
    }

    private void form(List<Redis> clients) {
        int masters = clients.size();
        for (int node = 0; node < masters; node++) {
            Request addSlots = Request.cmd(Command.CLUSTER).arg("ADDSLOTS");
            for (int slot = node * SLOTS / masters; slot < (node + 1) * SLOTS / masters; slot++) {
                addSlots.arg(slot);
            }
            await(clients.get(node).send(addSlots));
            await(clients.get(node).send(Request.cmd(Command.CLUSTER).arg("SET-CONFIG-EPOCH").arg(node + 1)));
        }
        for (int node = 1; node < masters; node++) {
            await(clients.get(0).send(Request.cmd(Command.CLUSTER).arg("MEET").arg("127.0.0.1")
                    .arg(nodes.get(node).port())));
        }
    }

    private boolean ready(List<Map<String, String>> infos) {
        String known = Integer.toString(nodes.size());
        return infos.stream().allMatch(info -> "ok".equals(info.get("cluster_state"))
                && known.equals(info.get("cluster_known_nodes"))
                && Integer.toString(SLOTS).equals(info.get("cluster_slots_ok")));
    }

    private static List<Map<String, String>> clusterInfos(List<Redis> clients) {
        return clients.stream().map(client -> await(client.send(Request.cmd(Command.CLUSTER).arg("INFO")))
                .toString().lines()
                .map(line -> line.split(":", 2))
                .filter(pair -> pair.length == 2)
                .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1].trim(), (a, b) -> b))).toList();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Redis Cluster did not answer: " + e.getMessage(), e);
        }
    }

    /** Gossip between the nodes takes a few hundred milliseconds; look again shortly. */
    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the embedded Redis Cluster formed", e);
        }
    }
}
