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
        List<Future<MediaRecords.Claim>> claims = new ArrayList<>();
        for (int claim = 0; claim < 20; claim++) {
            claims.add(records.begin(mediaId));
        }
        await(Future.all(claims));
        assertThat(claims.stream().filter(claim -> claim.result() != null).count()).isEqualTo(1);
    }

    @Test
    void aFailedIdMayBeUploadedAgainWithItsOldProblemGoneButAReadyOneMayNot() {
        String mediaId = "again-" + System.nanoTime();
        MediaRecords.Claim first = await(records.begin(mediaId));
        assertThat(first).isNotNull();
        assertThat(await(records.failed(first, MediaProblem.CORRUPT, "truncated"))).isTrue();

        MediaRecords.Claim second = await(records.begin(mediaId));
        assertThat(second).isNotNull();
        JsonObject state = await(records.state(mediaId));
        assertThat(state.getString("status")).isEqualTo(MediaRecords.PROCESSING);
        assertThat(state.containsKey("problem")).as("the old failure is gone").isFalse();

        assertThat(await(records.ready(second, new JsonObject()))).isTrue();
        assertThat(await(records.begin(mediaId))).isNull();
    }

    @Test
    void aProcessingRecordLeftByADeadProcessIsTakenOverOnlyAfterItsLeaseAndTheOldClaimCannotWriteAnyMore() {
        String mediaId = "abandoned-" + System.nanoTime();
        MediaRecords.Claim abandoned = await(records.begin(mediaId)); // and then its process stalls or dies
        assertThat(abandoned).isNotNull();
        assertThat(await(records.begin(mediaId))).as("within the lease").isNull();

        MediaRecords.Claim takeover = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).until(() -> await(records.begin(mediaId)), claim -> claim != null);
        assertThat(await(records.begin(mediaId))).as("the new claim holds a lease of its own").isNull();

        // The first upload comes back late: its outcome must not replace the new upload's record.
        assertThat(await(records.ready(abandoned, new JsonObject().put("stale", true)))).isFalse();
        assertThat(await(records.failed(abandoned, MediaProblem.CORRUPT, "late"))).isFalse();
        assertThat(await(records.state(mediaId)).getString("status")).isEqualTo(MediaRecords.PROCESSING);
        assertThat(await(records.failed(takeover, MediaProblem.CORRUPT, "the new one's own outcome"))).isTrue();
        assertThat(await(records.state(mediaId)).getString("detail")).isEqualTo("the new one's own outcome");
    }
}
