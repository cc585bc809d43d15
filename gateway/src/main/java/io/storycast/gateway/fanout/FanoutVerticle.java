package io.storycast.gateway.fanout;

import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.live.LiveFeed;
import io.storycast.gateway.live.LivePublisher;
import io.storycast.gateway.metrics.ProcessMetrics;
import io.storycast.gateway.redis.ClusterMasters;
import io.storycast.gateway.redis.KeySpaceNodes;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisClients;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoryStreams;
import io.storycast.gateway.trays.SweepLease;
import io.storycast.gateway.trays.TrayJanitor;
import io.storycast.gateway.trays.TrayWriter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One fan-out event loop: consumes the partitions {@code p} with {@code p % instances == index}, each
 * through a {@link PartitionConsumer} with its own blocking-read connection, and writes through two
 * pipelined connections, the express and the bulk {@link FanoutLane}; the bulk lane's {@link LanePacer} yields
 * to the process's small stories ({@code fanout.bulkDutyCyclePercent}). Instance 0 also runs the process's
 * {@link TrayJanitor}. Stopping it stops reading and lets the stories in flight finish (up to the drain
 * timeout); what is left stays pending and is taken over by another consumer.
 */
public final class FanoutVerticle extends VerticleBase {
    private final StorycastConfig config;
    private final String redisUrl;
    private final int index;
    private final int instances;
    private final String consumer;
    private final ProcessMetrics metrics;
    private final ExpressActivity expressActivity;

    private final List<PartitionConsumer> consumers = new ArrayList<>();
    private final List<PipelinedRedis> connections = new ArrayList<>();
    private FanoutWorker worker;
    private long claimTimer = -1;
    private long janitorTimer = -1;
    private KeySpaceNodes janitorNodes;
    private SweepLease sweepLease;

    /**
     * @param index     this instance's number, {@code 0 <= index < instances}
     * @param consumer  its consumer name in the group, unique across processes
     * @param metrics   the process's stage latencies and counters
     * @param expressActivity when the process's fan-out last began a story, shared by every instance: their
     *                  bulk lanes yield to it
     */
    public FanoutVerticle(StorycastConfig config, String redisUrl, int index, int instances, String consumer,
                          ProcessMetrics metrics, ExpressActivity expressActivity) {
        this.config = Objects.requireNonNull(config, "config");
        this.redisUrl = Objects.requireNonNull(redisUrl, "redisUrl");
        this.index = index;
        this.instances = instances;
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.expressActivity = Objects.requireNonNull(expressActivity, "expressActivity");
    }

    @Override
    public Future<?> start() {
        RedisKeys keys = RedisKeys.of(config);
        int chunkSize = config.fanout().chunkSize();
        int chunksInFlight = config.fanout().chunksInFlight();
        int batch = TrayWriter.commandsFor(chunkSize) + 3;
        // Room for many small stories' batches at once; and for two large fan-outs' chunks in flight.
        int expressBudget = Math.max(config.redis().maxPendingCommandsPerConnection(), 4 * chunksInFlight * batch);
        int bulkBudget = 2 * chunksInFlight * batch;
        // Besides the batches, per story: its record, route, first chunk read and acknowledgement on the
        // express connection; a final progress write per platform on the bulk one, and a chunk read per
        // platform on the bulk lane's read connection.
        int slack = 8 * config.fanout().maxStoriesInFlight() + 256;
        PipelinedRedis redis = RedisClients.createPipelined(vertx, config.redis(), redisUrl, expressBudget + slack,
                metrics.latencies().redisRoundTrip());
        PipelinedRedis bulkRedis = RedisClients.createPipelined(vertx, config.redis(), redisUrl, bulkBudget + slack,
                metrics.latencies().redisRoundTrip());
        // The bulk lane reads its chunks over a connection of its own: on the batches' connection a read waits
        // behind every batch in flight, and Redis then idles while the gateway builds the next batch.
        PipelinedRedis bulkReads = RedisClients.createPipelined(vertx, config.redis(), redisUrl, slack,
                metrics.latencies().redisRoundTrip());
        connections.add(redis);
        connections.add(bulkRedis);
        connections.add(bulkReads);
        FanoutLane express = new FanoutLane(redis, new Permits(expressBudget), new AudienceChunks(redis, keys, metrics.latencies().audienceLookup()),
                chunkSize, chunksInFlight, LanePacer.unpaced());
        LanePacer bulkPacer = LanePacer.yieldingTo(expressActivity, config.fanout().bulkDutyCyclePercent(), System::nanoTime,
                (delayMillis, action) -> vertx.setTimer(delayMillis, timer -> action.run()), metrics.counters()::bulkBatchPaced);
        FanoutLane bulk = new FanoutLane(bulkRedis, new Permits(bulkBudget), new AudienceChunks(bulkReads, keys, metrics.latencies().audienceLookup()),
                chunkSize, chunksInFlight, bulkPacer);
        LiveFeed live = LiveFeed.NONE;
        if (config.live().enabled()) {
            // Its own connection: a registry lookup or a publish never waits behind, nor delays, a chunk batch.
            PipelinedRedis liveRedis = RedisClients.createPipelined(vertx, config.redis(), redisUrl,
                    config.redis().maxPendingCommandsPerConnection(), metrics.latencies().redisRoundTrip());
            connections.add(liveRedis);
            live = new LivePublisher(liveRedis, keys, metrics.live(), config.live().maxPendingLookups(),
                    System::currentTimeMillis);
        }
        worker = new FanoutWorker(vertx, keys, config, express, bulk, expressActivity, metrics, live);
        StoryStreams streams = new StoryStreams(redis, keys);
        List<Integer> owned = new ArrayList<>();
        for (int partition = index; partition < keys.partitions(); partition += instances) {
            owned.add(partition);
            // Not timed: its reads block in Redis for up to fanout.blockMillis on purpose.
            PipelinedRedis reads = RedisClients.createPipelined(vertx, config.redis(), redisUrl, 4);
            connections.add(reads);
            consumers.add(new PartitionConsumer(vertx, partition, reads, streams, keys, worker, config.fanout(), consumer));
        }
        if (!owned.isEmpty()) {
            PendingClaimer claimer = new PendingClaimer(redis, keys, worker, config.fanout(), consumer,
                    owned.stream().mapToInt(Integer::intValue).toArray());
            claimTimer = vertx.setPeriodic(config.fanout().claimIntervalMillis(), tick -> claimer.claimOnce());
        }
        if (index == 0) {
            // One janitor per process, beside the fan-out that fills the trays it cleans; on a cluster, a
            // connection per master sized for the janitor's batches.
            janitorNodes = config.redis().cluster()
                    ? new ClusterMasters(vertx, config.redis(), redis, redisUrl,
                            TrayJanitor.maxUnansweredCommands(config.trays().sweepKeysPerStep()))
                    : KeySpaceNodes.standalone(redis);
            // Of several processes on the same Redis, the one holding the lease sweeps.
            sweepLease = new SweepLease(redis, keys, consumer, config.trays().sweepLeaseMillis());
            TrayJanitor janitor = new TrayJanitor(janitorNodes, sweepLease, keys, config.trays().maxStories(),
                    config.ingest().maxStoryAgeMillis(),
                    config.trays().sweepKeysPerStep(), System::currentTimeMillis);
            janitorTimer = vertx.setPeriodic(config.trays().sweepIntervalMillis(), tick -> janitor.step());
        }
        consumers.forEach(PartitionConsumer::start);
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        consumers.forEach(PartitionConsumer::stop);
        if (claimTimer != -1) {
            vertx.cancelTimer(claimTimer);
        }
        if (janitorTimer != -1) {
            vertx.cancelTimer(janitorTimer);
        }
        return worker.drain()
                .timeout(config.shutdown().drainTimeoutSeconds(), TimeUnit.SECONDS)
                .recover(timeout -> Future.succeededFuture())
                // Another process need not wait for the lease to run out to take over the sweep.
                .eventually(() -> sweepLease == null ? Future.succeededFuture() : sweepLease.release())
                .eventually(() -> janitorNodes == null ? Future.succeededFuture() : janitorNodes.close())
                .eventually(() -> Future.all(connections.stream().map(PipelinedRedis::close).toList()));
    }
}
