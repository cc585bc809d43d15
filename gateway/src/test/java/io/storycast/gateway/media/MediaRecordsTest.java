package io.storycast.gateway.media;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.media.MediaProblem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Who may upload under a media id, decided in Redis in one step. */
class MediaRecordsTest {
    private static final long LIFETIME_MILLIS = 60_000;
    private static final long LEASE_MILLIS = 300;
    private static TestRedis redis;
    private static Vertx vertx;
    private static MediaRecords records;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        vertx = Vertx.vertx();
        Redis client = redis.newClient(vertx);
        records = new MediaRecords(client, new RedisKeys("storycast", 4), LIFETIME_MILLIS, LEASE_MILLIS);
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        redis.close();
    }

    @Test
    void ofManyUploadsClaimingOneNewIdAtOnceExactlyOneWins() {
        String mediaId = "race-" + System.nanoTime();
        List<Future<Boolean>> claims = new ArrayList<>();
        for (int claim = 0; claim < 20; claim++) {
            claims.add(records.begin(mediaId));
        }
        await(Future.all(claims));
        assertThat(claims.stream().filter(Future::result).count()).isEqualTo(1);
    }

    @Test
    void aFailedIdMayBeUploadedAgainWithItsOldProblemGoneButAReadyOneMayNot() {
        String mediaId = "again-" + System.nanoTime();
        assertThat(await(records.begin(mediaId))).isTrue();
        await(records.failed(mediaId, MediaProblem.CORRUPT, "truncated"));

        assertThat(await(records.begin(mediaId))).isTrue();
        JsonObject state = await(records.state(mediaId));
        assertThat(state.getString("status")).isEqualTo(MediaRecords.PROCESSING);
        assertThat(state.containsKey("problem")).as("the old failure is gone").isFalse();

        await(records.ready(mediaId, new JsonObject()));
        assertThat(await(records.begin(mediaId))).isFalse();
    }

    @Test
    void aProcessingRecordLeftByADeadProcessIsTakenOverOnlyAfterItsLease() {
        String mediaId = "abandoned-" + System.nanoTime();
        assertThat(await(records.begin(mediaId))).isTrue(); // and then its process dies
        assertThat(await(records.begin(mediaId))).as("within the lease").isFalse();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> await(records.begin(mediaId)));
        assertThat(await(records.begin(mediaId))).as("the new claim holds a lease of its own").isFalse();
    }
}
