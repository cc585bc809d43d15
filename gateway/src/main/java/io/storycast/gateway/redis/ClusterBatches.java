package io.storycast.gateway.redis;

import io.vertx.core.Future;
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

/**
 * Sends a pipelined batch over a Redis Cluster connection as one batch per master node. The cluster client
 * refuses a batch whose keys live on different nodes, while a chunk of tray writes touches a tray per
 * subscriber, all over the cluster. Grouping uses the client's own slot map
 * ({@link RedisCluster#groupByNodes}), so each group goes where the client will send it; a group that meets
 * a moved slot is redirected by the client ({@code MOVED}/{@code ASK}).
 *
 * <p>The answers come back in the order of the requests. The groups run on different nodes independently:
 * a caller must not rely on one command of a batch having run before another of the same batch on a
 * different key (the fan-out puts only confirmed progress in a batch, so it does not).
 */
final class ClusterBatches {
    private ClusterBatches() {
    }

    /**
     * @param connection a cluster connection
     * @param requests   the batch, each command within one slot
     * @return every answer, in request order, once every node's batch has answered; the first failure when
     *         any failed (after all of them completed, so nothing of the batch is still in flight)
     */
    static Future<List<Response>> send(RedisConnection connection, List<Request> requests) {
        return RedisCluster.create(connection).groupByNodes(requests).compose(grouping -> {
            List<List<Request>> groups = new ArrayList<>(grouping.getKeyed());
            if (!grouping.getUnkeyed().isEmpty()) {
                groups.add(grouping.getUnkeyed());
            }
            if (groups.size() <= 1) {
                return connection.batch(requests);
            }
            Map<Request, ArrayDeque<Integer>> positions = new IdentityHashMap<>(requests.size());
            for (int index = 0; index < requests.size(); index++) {
                positions.computeIfAbsent(requests.get(index), request -> new ArrayDeque<>(1)).add(index);
            }
            Response[] answers = new Response[requests.size()];
            List<Future<Void>> sent = new ArrayList<>(groups.size());
            for (List<Request> group : groups) {
                int[] at = group.stream().mapToInt(request -> positions.get(request).poll()).toArray();
                sent.add(connection.batch(group).map(replies -> {
                    for (int index = 0; index < at.length; index++) {
                        answers[at[index]] = replies.get(index);
                    }
                    return null;
                }));
            }
            return Future.join(sent).map(all -> Arrays.asList(answers));
        });
    }
}
