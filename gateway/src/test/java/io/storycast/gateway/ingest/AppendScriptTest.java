package io.storycast.gateway.ingest;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.MediaKind;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.storycast.gateway.testing.StoryStreamContents;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The append script's protocol against a real Redis: which events it appends, and where each one lands. */
class AppendScriptTest {
    private static final long MINUTE = RedisKeys.SEEN_BUCKET_MILLIS;
    private final RedisKeys keys = new RedisKeys("append-test", 1);
    private final AppendScript script = new AppendScript(keys);
    private TestRedis redis;
    private Vertx vertx;
    private Redis client;

    @BeforeEach
    void start() {
        redis = new TestRedis();
        vertx = Vertx.vertx();
        client = redis.newClient(vertx);
    }

    @AfterEach
    void stop() {
        vertx.close().await();
        redis.close();
    }

    @Test
    void appendsNewEventsAsOneEntryAndAnswersEveryCopyWithItsFirstCopy() {
        long expiresAt = System.currentTimeMillis() + 3_600_000;
        StoryEvent first = event("s-1", expiresAt);
        List<AppendOutcome> earlier = await(script.call(client, 0, "ig", List.of(first, event("s-2", expiresAt))));
        assertThat(earlier).extracting(AppendOutcome::appended).containsExactly(true, true);

        // A call mixing a new story, a retry of an earlier one, a copy within the call and a story whose
        // marker lives in another bucket (a later expiry).
        StoryEvent later = event("s-4", expiresAt + 10 * MINUTE);
        List<AppendOutcome> outcomes = await(script.call(client, 0, "ig",
                List.of(event("s-3", expiresAt), first, event("s-3", expiresAt), later)));

        assertThat(outcomes).extracting(AppendOutcome::appended).containsExactly(true, false, false, true);
        assertThat(outcomes.get(1).entryId()).isEqualTo(earlier.get(0).entryId());
        assertThat(outcomes.get(1).entryIndex()).isEqualTo(earlier.get(0).entryIndex());
        assertThat(outcomes.get(2).entryId()).isEqualTo(outcomes.get(0).entryId());
        assertThat(outcomes.get(2).entryIndex()).isEqualTo(outcomes.get(0).entryIndex());
        assertThat(outcomes.get(3).entryId()).isEqualTo(outcomes.get(0).entryId());
        assertThat(outcomes.get(3).entryIndex()).isNotEqualTo(outcomes.get(0).entryIndex());
        for (String storyId : List.of("s-1", "s-2", "s-3", "s-4")) {
            assertThat(StoryStreamContents.eventsOf(redis, keys, storyId)).as(storyId).hasSize(1);
        }
        assertStoredWhereAnswered(outcomes.get(0), "s-3");
        assertStoredWhereAnswered(outcomes.get(3), "s-4");
        assertStoredWhereAnswered(outcomes.get(1), "s-1");
    }

    @Test
    void answersACallOfOnlyDuplicatesWithoutANewEntry() {
        long expiresAt = System.currentTimeMillis() + 3_600_000;
        List<StoryEvent> events = List.of(event("d-1", expiresAt), event("d-2", expiresAt));
        List<AppendOutcome> first = await(script.call(client, 0, "ig", events));

        List<AppendOutcome> retry = await(script.call(client, 0, "ig", events));

        assertThat(retry).extracting(AppendOutcome::appended).containsExactly(false, false);
        assertThat(retry).extracting(AppendOutcome::entryId).containsExactlyElementsOf(
                first.stream().map(AppendOutcome::entryId).toList());
        assertThat(retry).extracting(AppendOutcome::entryIndex).containsExactly(0, 1);
        assertThat(await(redis.api().xlen(keys.storyStream(0))).toLong()).isEqualTo(1);
    }

    private void assertStoredWhereAnswered(AppendOutcome outcome, String storyId) {
        JsonObject stored = StoryStreamContents.eventsOf(redis, keys, storyId).get(0);
        assertThat(stored.getString("_entryId")).isEqualTo(outcome.entryId());
        assertThat(stored.getInteger("_entryIndex")).isEqualTo(outcome.entryIndex());
    }

    private static StoryEvent event(String storyId, long expiresAtMillis) {
        return new StoryEvent(Platform.INSTAGRAM, storyId, "author-1", expiresAtMillis - 86_400_000L, expiresAtMillis,
                Audience.DEFAULT, "media-" + storyId, MediaKind.IMAGE, null, null);
    }
}
