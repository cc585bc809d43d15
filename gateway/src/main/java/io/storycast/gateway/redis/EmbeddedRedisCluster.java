package io.storycast.gateway.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A Redis Cluster of master processes on loopback ports ({@link EmbeddedRedis} in cluster mode, no
 * replicas), for the default run in cluster mode, the tests and the local multi-node stack. A new cluster
 * is formed as {@code redis-cli --cluster create} would: each master is given an equal range of the 16384
 * hash slots and a distinct config epoch, then they are introduced ({@code CLUSTER MEET}). A node listens on
 * a free loopback port of at most {@value #MAX_NODE_PORT} whose cluster bus port (the port plus
 * {@value #BUS_PORT_OFFSET}, which Redis opens as well) is free too. Once the cluster has formed, the ports
 * are kept in the data folder ({@code cluster-ports}) and each node's cluster state in its own folder, so a
 * restart on the same folder brings back the same cluster with its data; a new cluster that fails to
 * start keeps no ports and no cluster state, so the next start forms it anew on new ports.
 *
 * <p>{@link #start} and {@link #stop} block; call them from a plain thread.
 */
public final class EmbeddedRedisCluster implements LocalRedis {
    /** Hash slots of every Redis Cluster. */
    public static final int SLOTS = 16384;
    /** {@code cluster-node-timeout}: a node unreachable this long counts as failed, milliseconds. */
    static final long NODE_TIMEOUT_MILLIS = 3000;
    /** A node's cluster bus port is its port plus this (Redis's fixed offset); Redis listens on both. */
    static final int BUS_PORT_OFFSET = 10_000;
    /** The highest port a node can listen on: its bus port must be a port too (Redis refuses to start otherwise). */
    static final int MAX_NODE_PORT = 65_535 - BUS_PORT_OFFSET;
    /** Free ports the system hands out before one that fits is given up on: most fit (see {@link #choosePorts}). */
    private static final int MAX_PORT_ATTEMPTS = 1_000;
    private static final long READY_TIMEOUT_MILLIS = 30_000;
    static final String PORTS_FILE = "cluster-ports";
    private static final String NODE_STATE_FILE = "nodes.conf";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedisCluster.class);

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
        Optional<List<Integer>> kept = keptPorts(dataDir, masters);
        List<Integer> ports = kept.orElseGet(() -> choosePorts(masters, EmbeddedRedis::freeLoopbackPort));
        // The cluster state files a new cluster's nodes are about to write.
        List<Path> newStates = kept.isPresent() ? List.of() : IntStream.range(0, masters)
                .mapToObj(node -> nodeDir(dataDir, node).resolve(NODE_STATE_FILE))
                .map(state -> Files.exists(state) ? null : state).toList();
        List<EmbeddedRedis> nodes = new ArrayList<>(masters);
        try {
            for (int node = 0; node < masters; node++) {
                nodes.add(EmbeddedRedis.startClusterNode(nodeDir(dataDir, node), appendFsync, ports.get(node),
                        NODE_TIMEOUT_MILLIS));
            }
            EmbeddedRedisCluster cluster = new EmbeddedRedisCluster(nodes);
            cluster.formAndAwaitReady();
            if (kept.isEmpty()) {
                keepPorts(dataDir, ports);
            }
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(EmbeddedRedis::stop);
            // A new cluster that did not form took no writes; the state its nodes wrote names the ports given
            // up here, so a next start on new ports could not form it again.
            newStates.stream().limit(nodes.size()).filter(Objects::nonNull).forEach(EmbeddedRedisCluster::deleteIfExists);
            throw e;
        }
    }

    /**
     * Chooses a port for each node of a new cluster among free ports: ports of at most
     * {@value #MAX_NODE_PORT} whose bus port ({@code + }{@value #BUS_PORT_OFFSET}) is free on 127.0.0.1 as
     * well, none of them another's bus port. They are free when chosen; a process may still take one before
     * its node starts, and the start then fails.
     *
     * @param freePorts free loopback ports, e.g. {@link EmbeddedRedis#freeLoopbackPort}: where the system
     *                  hands them out from varies (Linux, binding with {@code SO_REUSEADDR}, prefers the lower
     *                  half of {@code ip_local_port_range}; macOS hands out 49152 to 65535)
     * @throws IllegalStateException when {@value #MAX_PORT_ATTEMPTS} free ports held no fitting ones
     */
    static List<Integer> choosePorts(int masters, IntSupplier freePorts) {
        List<Integer> chosen = new ArrayList<>(masters);
        Set<Integer> taken = new HashSet<>();
        for (int attempt = 0; chosen.size() < masters; attempt++) {
            if (attempt == MAX_PORT_ATTEMPTS) {
                throw new IllegalStateException("no " + masters + " free loopback ports of at most " + MAX_NODE_PORT
                        + " with their cluster bus ports free among " + MAX_PORT_ATTEMPTS + " free ports");
            }
            int port = freePorts.getAsInt();
            int bus = port + BUS_PORT_OFFSET;
            if (port <= MAX_NODE_PORT && !taken.contains(port) && !taken.contains(bus) && EmbeddedRedis.loopbackPortFree(bus)) {
                chosen.add(port);
                taken.add(port);
                taken.add(bus);
            }
        }
        return chosen;
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

    /**
     * @return the ports of the cluster kept in the folder; none when it holds no cluster, or only the ports
     *         file of a start that could never have formed (a port above {@value #MAX_NODE_PORT}, as chosen
     *         before ports were checked for their bus ports)
     */
    private static Optional<List<Integer>> keptPorts(Path dataDir, int masters) {
        Path file = dataDir.resolve(PORTS_FILE);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            List<Integer> kept = Arrays.stream(Files.readString(file, StandardCharsets.US_ASCII).trim().split(","))
                    .map(Integer::parseInt).toList();
            if (kept.stream().anyMatch(port -> port > MAX_NODE_PORT)) {
                LOG.warn("{} names ports above {}, on which no cluster node can start: choosing new ports", file,
                        MAX_NODE_PORT);
                Files.delete(file);
                return Optional.empty();
            }
            if (kept.size() != masters) {
                throw new IllegalStateException(dataDir + " holds an embedded cluster of " + kept.size()
                        + " masters, not " + masters + ": configure redis.embedded.clusterMasters " + kept.size()
                        + " or another redis.embedded.dataDir");
            }
            return Optional.of(kept);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded cluster's ports in " + file, e);
        }
    }

    /** Keeps the ports of a cluster that has formed, for the next start on the same folder. */
    private static void keepPorts(Path dataDir, List<Integer> ports) {
        Path file = dataDir.resolve(PORTS_FILE);
        try {
            Files.writeString(file, ports.stream().map(String::valueOf).collect(Collectors.joining(",")),
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the embedded cluster's ports in " + file, e);
        }
    }

    private static Path nodeDir(Path dataDir, int node) {
        return dataDir.resolve("node-" + node);
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete {} of a cluster that did not form", file, e);
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
