package io.storycast.gateway.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a pipelined batch over a Redis Cluster connection as one batch per master node. The cluster client
 * refuses a batch whose keys live on different nodes, while a chunk of tray writes touches a tray per
 * subscriber, all over the cluster. Grouping uses the client's own slot map
 * ({@link RedisCluster#groupByNodes}), so each group goes where the client will send it.
 *
 * <p>The answers come back in the order of the requests. The groups run on different nodes independently:
 * a caller must not rely on one command of a batch having run before another of the same batch on a
 * different key (the fan-out puts only confirmed progress in a batch, so it does not).
 *
 * <p><b>Moved slots.</b> The client does not redirect a batch whose commands meet a slot that moved: it
 * follows {@code MOVED}/{@code ASK} only when a whole answer is that error, while a batch's errors arrive
 * folded into one, {@code ERR [i] MOVED <slot> <host:port>} per failed command (vertx-redis-client 5.0).
 * So a node's part of a batch that meets one fails: its other commands have run, the moved ones have not
 * (Redis refused them). This class then refreshes the client's slot map and sends that part once more, grouped
 * by the new map; a second {@code MOVED} (the slots still moving) fails the batch. Sending a part again
 * re-runs the commands of it that had run, and runs them after batches the caller sent later may have run, so
 * <b>every batch sent here must be idempotent, and harmless when re-applied after a later batch of the same
 * caller</b>. The gateway's are: ZADD of a story, PEXPIREAT and trims are the same whenever they run; a
 * fan-out progress HSET that lands late moves a cursor back, and the fan-out then redoes chunks whose tray
 * writes are idempotent; an outbox link SADD that lands after its SREM leaves a stale link, which the next
 * tray read checks against the audience and removes ({@code outbox-page.lua}); reads are read again.
 *
 * <p>The refresh: the client offers no call for it; what it does offer is that a single keyed command
 * meeting {@code MOVED} makes it drop its map (and follow the redirect), and a new connection waits for the
 * map to be read again, which every connection of the client then uses. So the refresh sends {@code EXISTS}
 * of a key of the moved slot (made by {@link HashSlots#keyIn}, no key of the gateway's), then opens a
 * connection and closes it. Without it the old map would send the same commands to the same node until its
 * time to live ({@code RedisOptions.hashSlotCacheTTL}, 1 s by default) ran out. An {@code ASK} (a slot being
 * migrated) fails the batch with no refresh: the map is still right, and the slot moves for good later
 * ({@code MOVED} then).
 */
final class ClusterBatches {
    /** A moved command in a batch's folded error: {@code ERR [3] MOVED 1234 10.0.0.2:6379}. */
    private static final Pattern FOLDED_MOVED = Pattern.compile("(?m)^ERR \\[\\d+] MOVED (\\d+) ");

    private ClusterBatches() {
    }

    /**
     * @param client     the cluster client {@code connection} came from, whose slot map a moved slot refreshes
     * @param connection a cluster connection
     * @param requests   the batch, each command within one slot, idempotent as a whole
     * @return every answer, in request order, once every node's batch has answered (a part that met a moved
     *         slot answered again on the slot's new master); the first failure when any failed, after all of
     *         them completed, so nothing of the batch is still in flight
     */
    static Future<List<Response>> send(Redis client, RedisConnection connection, List<Request> requests) {
        return send(client, connection, requests, true);
    }

    private static Future<List<Response>> send(Redis client, RedisConnection connection, List<Request> requests,
                                               boolean followMoved) {
        return RedisCluster.create(connection).groupByNodes(requests).compose(grouping -> {
            List<List<Request>> groups = new ArrayList<>(grouping.getKeyed());
            if (!grouping.getUnkeyed().isEmpty()) {
                groups.add(grouping.getUnkeyed());
            }
            if (groups.size() <= 1) {
                return sendPart(client, connection, requests, followMoved);
            }
            Map<Request, ArrayDeque<Integer>> positions = new IdentityHashMap<>(requests.size());
            for (int index = 0; index < requests.size(); index++) {
                positions.computeIfAbsent(requests.get(index), request -> new ArrayDeque<>(1)).add(index);
            }
            Response[] answers = new Response[requests.size()];
            List<Future<Void>> sent = new ArrayList<>(groups.size());
            for (List<Request> group : groups) {
                int[] at = group.stream().mapToInt(request -> positions.get(request).poll()).toArray();
                sent.add(sendPart(client, connection, group, followMoved).map(replies -> {
                    for (int index = 0; index < at.length; index++) {
                        answers[at[index]] = replies.get(index);
                    }
                    return (Void) null;
                }));
            }
            return Future.join(sent).map(all -> Arrays.asList(answers));
        });
    }

    /** Sends one node's part; when it meets a moved slot, refreshes the map and sends it again once if asked to. */
    private static Future<List<Response>> sendPart(Redis client, RedisConnection connection, List<Request> part,
                                                   boolean followMoved) {
        return connection.batch(part).recover(failure -> {
            OptionalInt moved = movedSlot(failure);
            if (moved.isEmpty()) {
                return Future.failedFuture(failure);
            }
            return refreshSlotMap(client, connection, moved.getAsInt()).transform(refreshed -> followMoved
                    ? send(client, connection, part, false)
                    : Future.failedFuture(failure));
        });
    }

    /** @return the slot of the first moved command named in a batch's folded error, if any */
    private static OptionalInt movedSlot(Throwable failure) {
        String message = failure.getMessage();
        Matcher moved = FOLDED_MOVED.matcher(message == null ? "" : message);
        return moved.find() ? OptionalInt.of(Integer.parseInt(moved.group(1))) : OptionalInt.empty();
    }

    /** Reads the client's slot map again (see the class comment); completes either way, a failure changes nothing. */
    private static Future<Void> refreshSlotMap(Redis client, RedisConnection connection, int movedSlot) {
        return connection.send(Request.cmd(Command.EXISTS).arg(HashSlots.keyIn(movedSlot)))
                .transform(probed -> client.connect())
                .compose(RedisConnection::close)
                .transform(refreshed -> Future.<Void>succeededFuture());
    }
}
