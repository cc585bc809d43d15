package io.storycast.gateway.fanout;

import io.storycast.gateway.metrics.StageRecorder;
import io.storycast.gateway.redis.PipelinedRedis;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.MediaKind;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.gateway.trays.StoryRecords;
import io.storycast.gateway.trays.TrayWriter;
import io.storycast.testing.LeakDetectionExtension;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chunk loop of one story on one platform against a real Redis, when it fails part-way: the failure is
 * recorded after the batches in flight (none of their progress writes lands after it) and over the express
 * connection (which works when the lane's own connection is what failed), and a second run resumes from the
 * recorded progress and writes every tray.
 */
@ExtendWith(LeakDetectionExtension.class)
class TargetFanoutTest {
    private static final RedisKeys KEYS = new RedisKeys("storycast", 4);
    private static final Platform PLATFORM = Platform.INSTAGRAM;
    private static final int CHUNK_SIZE = 5;
    /** A thousand chunks: the fan-out is still running when the test breaks its connection. */
    private static final int MEMBERS = 5_000;

    private static TestRedis redis;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        redis = TestRedis.standalone();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        redis.close();
    }

    @Test
    void aFailedWriteIsRecordedAfterTheBatchesInFlightAndASecondRunResumesFromTheProgress() throws Exception {
        Context loop = vertx.getOrCreateContext();
        PipelinedRedis bulkConnection = new PipelinedRedis(redis.newClient(vertx), 5_000, 100);
        PipelinedRedis expressConnection = new PipelinedRedis(redis.newClient(vertx), 5_000, 100);
        String author = "author-" + StoryEvents.newStoryId();
        List<String> members = seedAudience(author);
        StoryEvent story = story(author);
        String storyKey = KEYS.story(PLATFORM, story.storyId());
        // A tray of the wrong type half-way: that chunk's batch fails while the next one is in flight.
        String brokenTray = KEYS.tray(PLATFORM, members.get(MEMBERS / 2));
        await(redis.api().set(List.of(brokenTray, "not a tray")));

        // As a bulk lane beside small stories: paced, with chunk reads on a connection of their own, so the next
        // chunk's batch is built and waits in the pacer when the broken one fails.
        PipelinedRedis readConnection = new PipelinedRedis(redis.newClient(vertx), 5_000, 100);
        CompletableFuture<Boolean> first = on(loop, () -> fanout(lane(bulkConnection, readConnection, pacedAlways()),
                expressConnection, story, TargetProgress.PENDING).run());

        assertThat(first).failsWithin(Duration.ofSeconds(20));
        await("the failure, recorded").atMost(Duration.ofSeconds(10))
                .until(() -> TargetProgress.of(hash(storyKey), PLATFORM).state() == TargetProgress.State.FAILED);
        // Every batch sent before is answered once this is: none of their in_progress writes may land after the failure.
        on(loop, () -> bulkConnection.send(Request.cmd(Command.PING))).get(10, TimeUnit.SECONDS);
        Map<String, String> failed = hash(storyKey);
        assertThat(failed).containsEntry(TargetProgress.stateField(PLATFORM), "failed");
        assertThat(failed.get(TargetProgress.reasonField(PLATFORM))).contains("WRONGTYPE");
        TargetProgress recorded = TargetProgress.of(failed, PLATFORM);
        assertThat(recorded.written()).as("chunks written before the broken one").isBetween(1L, MEMBERS / 2L);

        await(redis.api().del(List.of(brokenTray)));
        Boolean resumed = on(loop, () -> fanout(lane(bulkConnection, readConnection, LanePacer.unpaced()),
                expressConnection, story, recorded).run()).get(20, TimeUnit.SECONDS);

        assertThat(resumed).as("finished, not retracted").isTrue();
        assertThat(hash(storyKey)).containsEntry(TargetProgress.stateField(PLATFORM), "done")
                .containsEntry(TargetProgress.writtenField(PLATFORM), Integer.toString(MEMBERS));
        assertThat(traysWithout(members, RedisKeys.trayMember(PLATFORM, story.storyId()))).as("trays missing the story").isZero();
        on(loop, () -> Future.all(bulkConnection.close(), readConnection.close(), expressConnection.close()))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBulkConnectionThatCannotReconnectFailsTheTargetAndItsReasonIsRecordedOverTheExpressConnection() throws Exception {
        Context loop = vertx.getOrCreateContext();
        String user = "bulk-lane-" + StoryEvents.newStoryId();
        await(redis.api().acl(List.of("SETUSER", user, "on", ">secret", "~*", "+@all")));
        PipelinedRedis bulkConnection = new PipelinedRedis(Redis.createClient(vertx, new RedisOptions()
                .setConnectionString(redis.url().replace("redis://", "redis://" + user + ":secret@"))), 5_000, 100);
        PipelinedRedis expressConnection = new PipelinedRedis(redis.newClient(vertx), 5_000, 100);
        String author = "author-" + StoryEvents.newStoryId();
        List<String> members = seedAudience(author);
        StoryEvent story = story(author);
        String storyKey = KEYS.story(PLATFORM, story.storyId());

        // Paced (a batch at a time, a timer between), so a thousand chunks take seconds: the checks below come
        // part-way without a race.
        CompletableFuture<Boolean> first = on(loop, () -> fanout(lane(bulkConnection, bulkConnection, pacedAlways()),
                expressConnection, story, TargetProgress.PENDING).run());
        // Part-way: some chunks are recorded as written. Writes are then paused, so the fan-out cannot finish before
        // its connection is killed, and its user is turned off, so the connection cannot come back.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> written(storyKey) > 0);
        await(redis.api().client(List.of("PAUSE", "10000", "WRITE")));
        try {
            await(redis.api().acl(List.of("SETUSER", user, "off")));
            await(redis.api().client(List.of("KILL", "USER", user)));
        } finally {
            await(redis.api().client(List.of("UNPAUSE")));
        }

        assertThat(first).failsWithin(Duration.ofSeconds(10));
        await("the reason, recorded over the express connection").atMost(Duration.ofSeconds(10))
                .until(() -> TargetProgress.of(hash(storyKey), PLATFORM).state() == TargetProgress.State.FAILED);
        assertThat(hash(storyKey).get(TargetProgress.reasonField(PLATFORM))).isNotBlank();
        assertThat(TargetProgress.of(hash(storyKey), PLATFORM).written()).isBetween(1L, MEMBERS - 1L);
        on(loop, () -> Future.all(bulkConnection.close(), expressConnection.close())).get(10, TimeUnit.SECONDS);
    }

    private static FanoutLane lane(PipelinedRedis batches, PipelinedRedis reads, LanePacer pacer) {
        return new FanoutLane(batches, new Permits(1_000),
                new AudienceChunks(reads, KEYS, new StageRecorder("test_chunk_reads", "chunk reads")),
                CHUNK_SIZE, 2, pacer);
    }

    /**
     * A bulk lane's pacer at 50% that finds small stories under way for the whole test: its activity's clock stands
     * far ahead of the pacer's, so the last story "began" after every moment the pacer asks about.
     */
    private static LanePacer pacedAlways() {
        ExpressActivity underWay = new ExpressActivity(() -> Long.MAX_VALUE / 2);
        return LanePacer.yieldingTo(underWay, 50, System::nanoTime,
                (delayMillis, action) -> vertx.setTimer(delayMillis, timer -> action.run()), () -> { });
    }

    /** Runs {@code work} on {@code loop}, as a worker does, and hands over its answer. */
    private static <T> CompletableFuture<T> on(Context loop, Supplier<Future<T>> work) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        loop.runOnContext(started -> work.get().onComplete(done -> {
            if (done.succeeded()) {
                answer.complete(done.result());
            } else {
                answer.completeExceptionally(done.cause());
            }
        }));
        return answer;
    }

    private static TargetFanout fanout(FanoutLane lane, PipelinedRedis express, StoryEvent story, TargetProgress progress) {
        TargetFanout.Plan plan = new TargetFanout.Plan(PLATFORM, Audience.DEFAULT, TargetProgress.Route.PUSH,
                new ChunkWrites.TrayWrites(new TrayWriter(KEYS, 100), PLATFORM, RedisKeys.trayMember(PLATFORM, story.storyId()),
                        story.createdAtMillis(), 0, subscribers -> { }), true);
        return new TargetFanout(lane, express, KEYS, story, plan, progress, new StageRecorder("test_tray_writes", "tray writes"));
    }

    private static StoryEvent story(String author) {
        long now = System.currentTimeMillis();
        return new StoryEvent(PLATFORM, StoryEvents.newStoryId(), author, now, now + TimeUnit.HOURS.toMillis(1),
                Audience.DEFAULT, "media-1", MediaKind.IMAGE, null, null);
    }

    /** @return the members, in the audience as the audience API stores them (score 0, read in member order) */
    private static List<String> seedAudience(String author) {
        List<String> members = new ArrayList<>(MEMBERS);
        List<Request> adds = new ArrayList<>();
        for (int from = 0; from < MEMBERS; from += 1_000) {
            Request add = Request.cmd(Command.ZADD).arg(KEYS.audience(PLATFORM, author, Audience.DEFAULT));
            for (int i = from; i < Math.min(MEMBERS, from + 1_000); i++) {
                String member = String.format("%s-m%05d", author, i);
                members.add(member);
                add.arg(0).arg(member);
            }
            adds.add(add);
        }
        redis.batchPerMaster(adds);
        return members;
    }

    private static long written(String storyKey) {
        String written = hash(storyKey).get(TargetProgress.writtenField(PLATFORM));
        return written == null ? 0 : Long.parseLong(written);
    }

    private static Map<String, String> hash(String storyKey) {
        return StoryRecords.asMap(await(redis.api().hgetall(storyKey)));
    }

    /** @return how many of the members' trays do not hold {@code trayMember} */
    private static long traysWithout(List<String> members, String trayMember) {
        Redis client = redis.newClient(vertx);
        try {
            RedisConnection connection = await(client.connect());
            long missing = 0;
            for (int from = 0; from < members.size(); from += 1_000) {
                List<Request> scores = new ArrayList<>();
                members.subList(from, Math.min(members.size(), from + 1_000)).forEach(member ->
                        scores.add(Request.cmd(Command.ZSCORE).arg(KEYS.tray(PLATFORM, member)).arg(trayMember)));
                for (Response score : await(connection.batch(scores))) {
                    missing += score == null ? 1 : 0;
                }
            }
            connection.close();
            return missing;
        } finally {
            client.close();
        }
    }
}
