package io.storycast.gateway.fanout;

import io.storycast.gateway.live.LiveFeed;
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
 * A worker's bulk lane on an event loop of its own, against a real Redis: its work runs on its loop and answers on
 * the worker's, and a fan-out whose bulk connection breaks part-way fails on the worker's loop, then resumes from
 * its recorded progress and writes every tray.
 */
@ExtendWith(LeakDetectionExtension.class)
class FanoutLaneTest {
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

    /** A worker's context and a bulk lane beside it, with a connection of its own. */
    private record Worker(Context home, FanoutLane bulk, PipelinedRedis connection) {
        static Worker start() {
            Context home = vertx.getOrCreateContext();
            Context bulkContext = BulkLoop.contextBeside(vertx, home);
            PipelinedRedis connection = new PipelinedRedis(redis.newClient(vertx), 5_000, 100);
            FanoutLane bulk = new FanoutLane(bulkContext, home, connection, new Permits(1_000),
                    new AudienceChunks(connection, KEYS, new StageRecorder("test_chunk_reads", "chunk reads")),
                    LiveFeed.NONE, CHUNK_SIZE, 2, () -> 0);
            return new Worker(home, bulk, connection);
        }

        /** Hands the lane {@code work} from the worker's context, as the worker does, and waits for the answer there. */
        <T> CompletableFuture<Answered<T>> run(Supplier<Future<T>> work) {
            CompletableFuture<Answered<T>> answered = new CompletableFuture<>();
            home.runOnContext(started -> bulk.run(work).onComplete(done ->
                    answered.complete(new Answered<>(done.succeeded() ? done.result() : null, done.cause(),
                            Vertx.currentContext()))));
            return answered;
        }

        void close() throws Exception {
            run(connection::close).get(10, TimeUnit.SECONDS);
        }
    }

    /** An answer, and the context it came on. */
    private record Answered<T>(T result, Throwable failure, Context on) {
    }

    @Test
    void theBulkLaneRunsItsWorkOnAnEventLoopOfItsOwnAndAnswersOnTheWorkers() throws Exception {
        Worker worker = Worker.start();
        CompletableFuture<Thread> homeThread = new CompletableFuture<>();
        worker.home().runOnContext(started -> homeThread.complete(Thread.currentThread()));
        CompletableFuture<Context> ranOn = new CompletableFuture<>();
        CompletableFuture<Thread> ranOnThread = new CompletableFuture<>();

        Answered<String> answer = worker.<String>run(() -> {
            ranOn.complete(Vertx.currentContext());
            ranOnThread.complete(Thread.currentThread());
            return Future.succeededFuture("done");
        }).get(10, TimeUnit.SECONDS);

        assertThat(answer.result()).isEqualTo("done");
        assertThat(ranOn.get()).isSameAs(worker.bulk().context()).isNotSameAs(worker.home());
        assertThat(ranOnThread.get()).isNotSameAs(homeThread.get(10, TimeUnit.SECONDS));
        assertThat(answer.on()).isSameAs(worker.home());
        worker.close();
    }

    @Test
    void workThatThrowsOnTheBulkLaneFailsItsAnswerOnTheWorkersLoop() throws Exception {
        Worker worker = Worker.start();

        Answered<String> answer = worker.<String>run(() -> {
            throw new IllegalStateException("broken chunk loop");
        }).get(10, TimeUnit.SECONDS);

        assertThat(answer.failure()).isInstanceOf(IllegalStateException.class).hasMessage("broken chunk loop");
        assertThat(answer.on()).isSameAs(worker.home());
        worker.close();
    }

    @Test
    void aBulkFanoutWhoseConnectionBreaksPartWayFailsOnTheWorkersLoopAndResumesFromItsProgress() throws Exception {
        Worker worker = Worker.start();
        String author = "author-" + StoryEvents.newStoryId();
        List<String> members = seedAudience(author);
        StoryEvent story = story(author);
        String storyKey = KEYS.story(PLATFORM, story.storyId());
        long connectionId = worker.run(() -> worker.connection().send(Request.cmd(Command.CLIENT).arg("ID")))
                .get(10, TimeUnit.SECONDS).result().toLong();

        CompletableFuture<Answered<Boolean>> first = worker.run(() -> fanout(worker.bulk(), story, TargetProgress.PENDING).run());
        // Part-way: some chunks are recorded as written. Writes are then paused, so the fan-out cannot finish
        // before its connection is killed.
        await().atMost(Duration.ofSeconds(10)).until(() -> written(storyKey) > 0);
        await(redis.api().client(List.of("PAUSE", "10000", "WRITE")));
        try {
            await(redis.api().client(List.of("KILL", "ID", Long.toString(connectionId))));
        } finally {
            await(redis.api().client(List.of("UNPAUSE")));
        }

        Answered<Boolean> failed = first.get(10, TimeUnit.SECONDS);
        assertThat(failed.failure()).as("the fan-out over the broken connection").isNotNull();
        assertThat(failed.on()).isSameAs(worker.home());
        // Recording the reason is best effort (the connection it would go on is the broken one); the progress is kept.
        TargetProgress recorded = TargetProgress.of(hash(storyKey), PLATFORM);
        assertThat(recorded.state()).isIn(TargetProgress.State.IN_PROGRESS, TargetProgress.State.FAILED);
        assertThat(recorded.written()).isBetween(1L, MEMBERS - 1L);

        Answered<Boolean> resumed = worker.run(() -> fanout(worker.bulk(), story, recorded).run()).get(20, TimeUnit.SECONDS);

        assertThat(resumed.failure()).isNull();
        assertThat(resumed.result()).as("finished, not retracted").isTrue();
        assertThat(hash(storyKey)).containsEntry(TargetProgress.stateField(PLATFORM), "done")
                .containsEntry(TargetProgress.writtenField(PLATFORM), Integer.toString(MEMBERS));
        assertThat(traysWithout(members, RedisKeys.trayMember(PLATFORM, story.storyId()))).as("trays missing the story").isZero();
        worker.close();
    }

    private static TargetFanout fanout(FanoutLane lane, StoryEvent story, TargetProgress progress) {
        TargetFanout.Plan plan = new TargetFanout.Plan(PLATFORM, Audience.DEFAULT, TargetProgress.Route.PUSH,
                new ChunkWrites.TrayWrites(new TrayWriter(KEYS, 100), PLATFORM, RedisKeys.trayMember(PLATFORM, story.storyId()),
                        story.createdAtMillis(), 0, subscribers -> { }), true);
        return new TargetFanout(lane, KEYS, story, plan, progress, new StageRecorder("test_tray_writes", "tray writes"));
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
