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
 * The chunk loop of one story on one platform against a real Redis, when the bulk lane's connection breaks
 * part-way: the reason is recorded over the express connection, and a second run resumes from the recorded
 * progress and writes every tray.
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
    void aBrokenBulkConnectionFailsTheTargetWithItsReasonAndASecondRunResumesFromTheProgress() throws Exception {
        Context loop = vertx.getOrCreateContext();
        PipelinedRedis bulkConnection = new PipelinedRedis(redis.newClient(vertx), 5_000, 100);
        PipelinedRedis expressConnection = new PipelinedRedis(redis.newClient(vertx), 5_000, 100);
        FanoutLane bulk = new FanoutLane(bulkConnection, new Permits(1_000),
                new AudienceChunks(bulkConnection, KEYS, new StageRecorder("test_chunk_reads", "chunk reads")),
                CHUNK_SIZE, 2, LanePacer.unpaced());
        String author = "author-" + StoryEvents.newStoryId();
        List<String> members = seedAudience(author);
        StoryEvent story = story(author);
        String storyKey = KEYS.story(PLATFORM, story.storyId());
        long bulkConnectionId = on(loop, () -> bulkConnection.send(Request.cmd(Command.CLIENT).arg("ID")))
                .get(10, TimeUnit.SECONDS).toLong();

        CompletableFuture<Boolean> first = on(loop, () -> fanout(bulk, expressConnection, story, TargetProgress.PENDING).run());
        // Part-way: some chunks are recorded as written. Writes are then paused, so the fan-out cannot finish
        // before its connection is killed.
        await().atMost(Duration.ofSeconds(10)).until(() -> written(storyKey) > 0);
        await(redis.api().client(List.of("PAUSE", "10000", "WRITE")));
        try {
            await(redis.api().client(List.of("KILL", "ID", Long.toString(bulkConnectionId))));
        } finally {
            await(redis.api().client(List.of("UNPAUSE")));
        }

        assertThat(first).failsWithin(Duration.ofSeconds(10));
        await("the reason, recorded over the express connection").atMost(Duration.ofSeconds(10))
                .until(() -> TargetProgress.of(hash(storyKey), PLATFORM).state() == TargetProgress.State.FAILED);
        Map<String, String> failed = hash(storyKey);
        assertThat(failed.get(TargetProgress.reasonField(PLATFORM))).isNotBlank();
        TargetProgress recorded = TargetProgress.of(failed, PLATFORM);
        assertThat(recorded.written()).isBetween(1L, MEMBERS - 1L);

        Boolean resumed = on(loop, () -> fanout(bulk, expressConnection, story, recorded).run()).get(20, TimeUnit.SECONDS);

        assertThat(resumed).as("finished, not retracted").isTrue();
        assertThat(hash(storyKey)).containsEntry(TargetProgress.stateField(PLATFORM), "done")
                .containsEntry(TargetProgress.writtenField(PLATFORM), Integer.toString(MEMBERS));
        assertThat(traysWithout(members, RedisKeys.trayMember(PLATFORM, story.storyId()))).as("trays missing the story").isZero();
        on(loop, () -> Future.all(bulkConnection.close(), expressConnection.close())).get(10, TimeUnit.SECONDS);
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
