package io.storycast.bench;

import io.storycast.gateway.config.RedisConfig;
import io.storycast.gateway.redis.RedisClients;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Redis pipeline batch sizes against a real Redis that the benchmark starts (the embedded Redis 6.2 the
 * gateway starts, append-only file on, fsync every second, automatic AOF rewrite off): tray writes
 * ({@code ZADD} of a story into a random one of 100,000 trays, keys as {@link RedisKeys#tray} names
 * them), {@code batchSize} commands per batch, one batch in flight at a time, so the batch size is the
 * pipeline's depth. Each batch is built, handed to the client's event loop, sent, and its answers awaited.
 *
 * <p>Clients ({@code client}):
 * <ul>
 *   <li>{@code connection}: one raw Vert.x {@link RedisConnection}, the physical baseline;</li>
 *   <li>{@code pipelined}: the gateway's {@code PipelinedRedis} over one connection (bounded, with the
 *       command timeout), as every gateway event loop uses it;</li>
 *   <li>{@code pooled}: the Vert.x pooled client ({@code Redis.createClient}), which takes a connection
 *       from its pool per batch;</li>
 *   <li>{@code pipelined-cluster}: {@code PipelinedRedis} on an embedded 3-master Redis Cluster, where
 *       each batch is split per master ({@code ClusterBatches}) and the parts run side by side.</li>
 * </ul>
 * The primary score is batches/s; {@code commands} (an auxiliary counter) is tray writes/s, the figure
 * to compare across batch sizes.
 *
 * <pre>java -jar bench/target/benchmarks.jar RedisPipeline [-p batchSize=1,100 -p client=pipelined] [-prof gc]</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(java.util.concurrent.TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RedisPipelineBenchmark {
    private static final int TRAYS = 100_000;
    private static final String MEMBER = "instagram:bench-story";

    @Param({"1", "10", "100", "1000"})
    public int batchSize;

    @Param({"connection", "pipelined", "pooled", "pipelined-cluster"})
    public String client;

    private BenchRedis server;
    private Vertx vertx;
    private OnEventLoop eventLoop;
    private Redis closeable;
    private Function<List<Request>, Future<List<Response>>> sender;
    private final RedisKeys keys = new RedisKeys("storycast", 16);

    /** Tray writes confirmed, reported per second beside the batches. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Commands {
        public long commands;

        @Setup(Level.Iteration)
        public void reset() {
            commands = 0;
        }
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        boolean cluster = "pipelined-cluster".equals(client);
        server = cluster ? BenchRedis.startCluster("storycast-bench-pipeline", 3) : BenchRedis.start("storycast-bench-pipeline");
        vertx = Vertx.vertx();
        eventLoop = new OnEventLoop(vertx.getOrCreateContext());
        RedisConfig config = new RedisConfig(cluster ? RedisConfig.CLUSTER : RedisConfig.STANDALONE, server.url(),
                "storycast", 100_000, 10_000, new RedisConfig.EmbeddedRedisConfig("unused", "everysec", 3));
        switch (client) {
            case "connection" -> {
                closeable = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())
                        .setMaxWaitingHandlers(100_000));
                RedisConnection connection = eventLoop.await(closeable::connect);
                sender = connection::batch;
            }
            case "pipelined", "pipelined-cluster" -> {
                Redis pipelined = eventLoop.await(() -> Future.succeededFuture(
                        RedisClients.createPipelined(vertx, config, server.url(), 100_000)));
                closeable = pipelined;
                sender = pipelined::batch;
            }
            case "pooled" -> {
                Redis pooled = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())
                        .setMaxPoolSize(8).setMaxPoolWaiting(1024).setMaxWaitingHandlers(100_000));
                closeable = pooled;
                sender = pooled::batch;
            }
            default -> throw new IllegalArgumentException("unknown client " + client);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        eventLoop.await(closeable::close);
        vertx.close().await();
        server.close();
    }

    @Benchmark
    public int trayWrites(Commands commands) throws Exception {
        List<Request> batch = new ArrayList<>(batchSize);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long score = System.currentTimeMillis();
        for (int i = 0; i < batchSize; i++) {
            batch.add(Request.cmd(Command.ZADD).arg(keys.tray(Platform.INSTAGRAM, "u" + random.nextInt(TRAYS)))
                    .arg(score).arg(MEMBER));
        }
        int answered = eventLoop.await(() -> sender.apply(batch)).size();
        commands.commands += answered;
        return answered;
    }
}
