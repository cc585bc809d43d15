package io.storycast.bench;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.OutboxLinks;
import io.storycast.gateway.trays.TrayWriter;
import io.vertx.redis.client.Request;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's CPU cost of building one fan-out chunk's batch, without Redis: the {@code Request}s a
 * chunk of {@code chunkSize} subscribers becomes before it is sent as one pipelined batch.
 * <ul>
 *   <li>{@code trayBatch}: a push ({@link TrayWriter#addWrites}: a {@code ZADD} per subscriber, a trim for
 *       one in {@value TrayWriter#TRIM_EVERY}), into a list sized by {@link TrayWriter#commandsFor}, as the
 *       fan-out's chunk loop does for every pushed chunk;</li>
 *   <li>{@code outboxLinkBatch}: an outbox route's linking of the same chunk ({@link OutboxLinks#addChanges}:
 *       a {@code SADD} per subscriber), what a chunk costs while a newly large audience is linked.</li>
 * </ul>
 * Average time per chunk; divide by {@code chunkSize} for a subscriber's share. The encoding into RESP and
 * the write to the socket happen later, in the Redis client: {@link RedisPipelineBenchmark} and
 * {@link FanoutChunkBenchmark} include them.
 *
 * <pre>java -jar bench/target/benchmarks.jar FanoutBatch -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FanoutBatchBenchmark {
    @Param({"100", "1000", "5000"})
    public int chunkSize;

    private final RedisKeys keys = new RedisKeys("storycast", 16);
    private final TrayWriter trays = new TrayWriter(keys, 100);
    private final OutboxLinks links = new OutboxLinks(keys);
    private List<String> subscribers;
    private String member;
    private long createdAtMillis;
    private int chunkNumber;

    @Setup
    public void setUp() {
        subscribers = new ArrayList<>(chunkSize);
        for (int i = 0; i < chunkSize; i++) {
            subscribers.add(String.format("u%07d", i)); // as audience members are named in the comparison runs
        }
        member = RedisKeys.trayMember(Platform.INSTAGRAM, "bench-story-1");
        createdAtMillis = System.currentTimeMillis();
    }

    @Benchmark
    public List<Request> trayBatch() {
        List<Request> batch = new ArrayList<>(TrayWriter.commandsFor(subscribers.size()) + 3);
        trays.addWrites(batch, Platform.FACEBOOK, subscribers, member, createdAtMillis, chunkNumber++);
        return batch;
    }

    @Benchmark
    public List<Request> outboxLinkBatch() {
        List<Request> batch = new ArrayList<>(subscribers.size() + 3);
        links.addChanges(batch, true, Platform.FACEBOOK, subscribers, Audience.DEFAULT, "celebrity-1");
        return batch;
    }
}
