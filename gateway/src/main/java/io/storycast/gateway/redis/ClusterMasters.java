package io.storycast.gateway.redis;

import io.storycast.gateway.config.RedisConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The masters of a Redis Cluster, each with a standalone connection of its own, for walks over the key
 * space. The masters are read from {@code CLUSTER SLOTS} (through the cluster connection) on every
 * {@link #current()}; a master that left has its connection closed, a new one gets one. A node's URL keeps
 * the scheme and credentials of the first seed URL, and a master listed with no host (one that never met
 * another node) is reached at that seed's host. Each connection holds as many unanswered commands as
 * its user says it sends at once (the tray janitor: {@code TrayJanitor.maxUnansweredCommands}).
 *
 * <p>Not thread-safe: use it on one event loop.
 */
public final class ClusterMasters implements KeySpaceNodes {
    private final Vertx vertx;
    private final RedisConfig config;
    private final Redis cluster;
    private final URI seed;
    private final int maxPendingCommandsPerNode;
    private final Map<String, PipelinedRedis> connections = new LinkedHashMap<>();

    /**
     * @param cluster                   a cluster connection, to ask for the slot map
     * @param url                       the configured seed URLs, separated by commas
     * @param maxPendingCommandsPerNode unanswered commands a master's connection holds before it refuses
     *                                  more (a batch larger than this fails whole), at least 1
     */
    public ClusterMasters(Vertx vertx, RedisConfig config, Redis cluster, String url, int maxPendingCommandsPerNode) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.config = Objects.requireNonNull(config, "config");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(url, "url");
        if (maxPendingCommandsPerNode < 1) {
            throw new IllegalArgumentException("maxPendingCommandsPerNode must be at least 1, was " + maxPendingCommandsPerNode);
        }
        this.maxPendingCommandsPerNode = maxPendingCommandsPerNode;
        try {
            this.seed = new URI(RedisConfig.seedUrls(url).get(0));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Redis URL: " + url, e);
        }
    }

    @Override
    public Future<List<Redis>> current() {
        return cluster.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).map(slots -> {
            Set<String> masters = new LinkedHashSet<>();
            for (Response range : slots) {
                Response master = range.get(2);
                Response host = master.get(0);
                // A node that has not learned its own address (it never met another node: a one-master
                // cluster) lists itself with an empty host, to be reached where it was asked: the seed.
                String reachable = host == null || host.toString().isEmpty() ? seed.getHost() : host.toString();
                masters.add(reachable + ':' + master.get(1).toInteger());
            }
            List<String> gone = new ArrayList<>(connections.keySet());
            gone.removeAll(masters);
            gone.forEach(endpoint -> connections.remove(endpoint).close());
            List<Redis> current = new ArrayList<>(masters.size());
            for (String endpoint : masters) {
                current.add(connections.computeIfAbsent(endpoint, this::connect));
            }
            return current;
        });
    }

    private PipelinedRedis connect(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon);
        int port = Integer.parseInt(endpoint.substring(colon + 1));
        String url;
        try {
            url = new URI(seed.getScheme(), seed.getUserInfo(), host, port, null, null, null).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("CLUSTER SLOTS named an unusable node " + endpoint, e);
        }
        RedisConfig standalone = new RedisConfig(RedisConfig.STANDALONE, url, config.keyPrefix(),
                config.maxPendingCommandsPerConnection(), config.commandTimeoutMillis(), config.embedded());
        return RedisClients.createPipelined(vertx, standalone, url, maxPendingCommandsPerNode);
    }

    @Override
    public Future<Void> close() {
        List<Future<Void>> closing = connections.values().stream().map(PipelinedRedis::close).toList();
        connections.clear();
        return Future.join(closing).mapEmpty();
    }
}
