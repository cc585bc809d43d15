package io.storycast.bench;

import io.storycast.gateway.fanout.TargetProgress;
import io.storycast.gateway.fanout.AudienceChunks;
import io.storycast.gateway.metrics.StageLatencies;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.StoryRecord;
import io.storycast.gateway.trays.TrayWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
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
import java.util.concurrent.TimeUnit;

/**
 * The fan-out's chunk loop against a real Redis that the benchmark starts (embedded Redis 6.2, append-only
 * file on), one chunk at a time, on the gateway's own classes over one {@link PipelinedRedis}:
 * <ul>
 *   <li>{@code planChunk}: {@link AudienceChunks#next} reads the next {@code chunkSize} members of a
 *       100,000-member audience in one script call and drops those who muted the author
 *       ({@code mutedPercent} of them muted; 0 takes the script's no-copy path);</li>
 *   <li>{@code planAndWriteChunk}: that read, then the chunk's batch as the fan-out sends a pushed chunk
 *       ({@link TrayWriter#addWrites}, then the progress {@code HSET}, the story's {@code PEXPIREAT} and the
 *       retraction check the chunk loop appends), sent as one pipelined batch and confirmed.</li>
 * </ul>
 * The chunks walk the audience in order and start again at its end with a new story, so every tray write
 * adds a story (trays are trimmed as the gateway trims them). One chunk is in flight at a time, where the
 * gateway keeps {@code fanout.chunksInFlight} batches awaiting Redis: this is the loop's cost per chunk,
 * not the fan-out's rate ({@code FanoutComparison} measures that). The primary score is chunks/s; the
 * auxiliary {@code subscribers} counter is subscribers planned (or trays written) per second.
 *
 * <pre>java -jar bench/target/benchmarks.jar FanoutChunk [-p chunkSize=1000] [-prof gc]</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FanoutChunkBenchmark {
    private static final int AUDIENCE = 100_000;
    private static final String AUTHOR = "celebrity-1";

    @Param({"100", "1000", "5000"})
    public int chunkSize;

    @Param({"0", "10"})
    public int mutedPercent;

    private final RedisKeys keys = new RedisKeys("storycast", 16);
    private final TrayWriter trays = new TrayWriter(keys, 100);
    private BenchRedis server;
    private Vertx vertx;
    private OnEventLoop eventLoop;
    private PipelinedRedis redis;
    private AudienceChunks chunks;
    private String cursor;
    private int story;
    private int chunkNumber;

    /** Subscribers a chunk planned or wrote, reported per second beside the chunks. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Subscribers {
        public long subscribers;

        @Setup(Level.Iteration)
        public void reset() {
            subscribers = 0;
        }
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        server = BenchRedis.start("storycast-bench-chunks");
        vertx = Vertx.vertx();
        eventLoop = new OnEventLoop(vertx.getOrCreateContext());
        redis = eventLoop.await(() -> Future.succeededFuture(new PipelinedRedis(Redis.createClient(vertx,
                new RedisOptions().setConnectionString(server.url()).setMaxWaitingHandlers(100_000)), 10_000, 100)));
        chunks = new AudienceChunks(redis, keys, new StageLatencies().audienceLookup());
        List<Request> seed = new ArrayList<>();
        String audience = keys.audience(Platform.INSTAGRAM, AUTHOR, Audience.DEFAULT);
        String muted = keys.mutedBy(Platform.INSTAGRAM, AUTHOR);
        for (int from = 0; from < AUDIENCE; from += 10_000) {
            Request members = Request.cmd(Command.ZADD).arg(audience);
            Request mutes = Request.cmd(Command.SADD).arg(muted);
            boolean anyMuted = false;
            for (int i = from; i < from + 10_000; i++) {
                String member = String.format("u%07d", i);
                members.arg(0).arg(member);
                if (mutedPercent > 0 && i % 100 < mutedPercent) {
                    mutes.arg(member);
                    anyMuted = true;
                }
            }
            seed.add(members);
            if (anyMuted) {
                seed.add(mutes);
            }
        }
        eventLoop.await(() -> redis.batch(seed));
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        eventLoop.await(redis::close);
        vertx.close().await();
        server.close();
    }

    @Benchmark
    public int planChunk(Subscribers counted) throws Exception {
        AudienceChunks.Chunk chunk = eventLoop.await(this::nextChunk);
        counted.subscribers += chunk.subscribers().size();
        return chunk.subscribers().size();
    }

    @Benchmark
    public int planAndWriteChunk(Subscribers counted) throws Exception {
        int written = eventLoop.await(() -> nextChunk().compose(chunk -> {
            String storyKey = keys.story(Platform.INSTAGRAM, "bench-story-" + story);
            List<Request> batch = new ArrayList<>(TrayWriter.commandsFor(chunk.subscribers().size()) + 3);
            trays.addWrites(batch, Platform.INSTAGRAM, chunk.subscribers(),
                    RedisKeys.trayMember(Platform.INSTAGRAM, "bench-story-" + story), System.currentTimeMillis(),
                    story + chunkNumber++);
            // The progress of the chunk before, as the chunk loop stores it (TargetProgress's fields).
            batch.add(Request.cmd(Command.HSET).arg(storyKey).arg(TargetProgress.stateField(Platform.INSTAGRAM)).arg("in_progress")
                    .arg(TargetProgress.routeField(Platform.INSTAGRAM)).arg("push").arg(TargetProgress.writtenField(Platform.INSTAGRAM)).arg(chunkNumber * (long) chunkSize)
                    .arg("cursor:instagram").arg(cursor == null ? "" : cursor));
            batch.add(Request.cmd(Command.PEXPIREAT).arg(storyKey).arg(System.currentTimeMillis() + 86_400_000L));
            batch.add(Request.cmd(Command.HEXISTS).arg(storyKey).arg(StoryRecord.RETRACTED));
            return redis.batch(batch).map(answers -> chunk.subscribers().size());
        }));
        counted.subscribers += written;
        return written;
    }

    /** The next chunk in member order; past the audience's end, the first chunk again for a new story. */
    private Future<AudienceChunks.Chunk> nextChunk() {
        return chunks.next(Platform.INSTAGRAM, AUTHOR, Audience.DEFAULT, cursor, chunkSize, true).map(chunk -> {
            if (chunk.scanned() < chunkSize) {
                cursor = null;
                story++;
                chunkNumber = 0;
            } else {
                cursor = chunk.last();
            }
            return chunk;
        });
    }
}
