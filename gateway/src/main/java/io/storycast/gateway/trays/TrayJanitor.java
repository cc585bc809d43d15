package io.storycast.gateway.trays;

import io.storycast.gateway.redis.KeySpaceNodes;
import io.storycast.gateway.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Walks every tray in the background ({@code SCAN}, a step at a time) and removes the stories no story
 * can outlive (older than the longest lifetime plus the clock skew) and the stories past the cap. A tray
 * left empty is deleted by Redis. This is what makes a tray nobody reads or writes any more go away, so
 * the write path stays one command per subscriber with no expiry to renew. Each step costs one
 * {@code SCAN} and two commands per tray found, pipelined on the server scanned; a full walk over
 * {@code n} trays takes about {@code n / trays.sweepKeysPerStep} steps. A step never has more than
 * {@link #maxUnansweredCommands} commands unanswered on a server's connection, so a connection of that size
 * (as {@link io.storycast.gateway.redis.ClusterMasters} opens per master) always takes them. On a Redis
 * Cluster a walk visits the masters one after the other ({@link KeySpaceNodes}), and the next walk asks for
 * the masters again.
 *
 * <p>Of several gateway processes on the same Redis only one sweeps at a time: each step first takes or
 * renews the {@link SweepLease} (one more command), and a process that does not hold it does nothing and
 * drops its walk, so it starts from the beginning once it holds the lease.
 *
 * <p>Not thread-safe: one instance per process, on one event loop.
 */
public final class TrayJanitor {
    private final KeySpaceNodes nodes;
    private final SweepLease lease;
    private final String pattern;
    private final int maxStories;
    private final long maxStoryAgeMillis;
    private final int keysPerStep;
    private final LongSupplier clockMillis;
    /** The servers of the walk under way, or null when the next step starts a new walk. */
    private List<Redis> walk;
    private int node;
    private String cursor = "0";
    private boolean stepping;

    /**
     * @param nodes             the servers to walk
     * @param lease             what lets this process sweep while others on the same Redis do not
     * @param maxStories        a tray's cap, at least 1
     * @param maxStoryAgeMillis the oldest a story can be and still live, milliseconds
     * @param keysPerStep       the {@code COUNT} hint of each {@code SCAN} step, at least 1
     * @param clockMillis       now, epoch ms
     */
    public TrayJanitor(KeySpaceNodes nodes, SweepLease lease, RedisKeys keys, int maxStories, long maxStoryAgeMillis,
                       int keysPerStep, LongSupplier clockMillis) {
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.pattern = Objects.requireNonNull(keys, "keys").trayPattern();
        if (maxStories < 1) {
            throw new IllegalArgumentException("maxStories must be at least 1, was " + maxStories);
        }
        if (keysPerStep < 1) {
            throw new IllegalArgumentException("keysPerStep must be at least 1, was " + keysPerStep);
        }
        this.maxStories = maxStories;
        this.maxStoryAgeMillis = maxStoryAgeMillis;
        this.keysPerStep = keysPerStep;
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /**
     * @param keysPerStep the janitor's {@code COUNT} hint, at least 1
     * @return the most commands a janitor has unanswered on one server's connection: two per tray of a
     *         step, {@code 2 * keysPerStep}. A {@code SCAN} may return a few more keys than its hint; their
     *         commands go in a further batch, sent when the one before has been answered.
     */
    public static int maxUnansweredCommands(int keysPerStep) {
        if (keysPerStep < 1) {
            throw new IllegalArgumentException("keysPerStep must be at least 1, was " + keysPerStep);
        }
        return 2 * keysPerStep;
    }

    /**
     * @return the number of trays this step cleaned; none while the previous step is still running, none
     *         when another process holds the lease, and none when no server holds keys (a cluster with no
     *         slots assigned), after which the next step asks for the servers again. A failed step starts the
     *         walk over (the masters may have changed).
     */
    public Future<Integer> step() {
        if (stepping) {
            return Future.succeededFuture(0);
        }
        stepping = true;
        return lease.hold().compose(held -> {
            if (!held) {
                walk = null; // another process sweeps; start from the beginning once this one does
                return Future.succeededFuture(0);
            }
            return walk != null ? scan(walk.get(node)) : nodes.current().compose(found -> {
                if (found.isEmpty()) {
                    return Future.succeededFuture(0); // no server holds keys now: the next step asks again
                }
                walk = List.copyOf(found);
                node = 0;
                cursor = "0";
                return scan(walk.get(node));
            });
        }).onFailure(failure -> walk = null).onComplete(done -> stepping = false);
    }

    private Future<Integer> scan(Redis server) {
        return server.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(keysPerStep))
                .compose(scan -> clean(server, scan));
    }

    private Future<Integer> clean(Redis server, Response scan) {
        cursor = scan.get(0).toString();
        if ("0".equals(cursor) && ++node == walk.size()) {
            walk = null; // this server's walk is over, and it was the last one
        }
        Response found = scan.get(1);
        if (found.size() == 0) {
            return Future.succeededFuture(0);
        }
        String oldest = "(" + (clockMillis.getAsLong() - maxStoryAgeMillis);
        List<Request> commands = new ArrayList<>(2 * found.size());
        for (Response key : found) {
            commands.add(Request.cmd(Command.ZREMRANGEBYSCORE).arg(key.toString()).arg("-inf").arg(oldest));
            commands.add(Request.cmd(Command.ZREMRANGEBYRANK).arg(key.toString()).arg(0).arg(-maxStories - 1));
        }
        return cleanInBatches(server, commands, 0).map(done -> found.size());
    }

    /** Sends the commands from {@code from} on, at most {@link #maxUnansweredCommands} at a time. */
    private Future<Void> cleanInBatches(Redis server, List<Request> commands, int from) {
        int to = Math.min(commands.size(), from + maxUnansweredCommands(keysPerStep));
        return server.batch(commands.subList(from, to))
                .compose(replies -> to == commands.size() ? Future.succeededFuture() : cleanInBatches(server, commands, to));
    }
}
