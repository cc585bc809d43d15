package io.storycast.gateway.fanout;

import io.storycast.gateway.testing.FanoutFixture;
import io.storycast.gateway.testing.MediaUploads;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.media.ffmpeg.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.MediaUploads.bytesOf;
import static io.storycast.gateway.testing.MediaUploads.put;
import static io.storycast.gateway.testing.FanoutFixture.story;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fan-out and the media pipeline together ({@code fanout.awaitMedia}): a story is in no tray until its
 * media's renditions exist, and a story whose media failed, or never came, is failed with the reason.
 * One fan-out event loop with one place for a story in flight, so a waiting story that held its place
 * would hold back every story behind it.
 */
class MediaFanoutTest {
    private static final int MEDIA_WAIT_SECONDS = 6;
    private static FanoutFixture fixture;

    @BeforeAll
    static void start() {
        fixture = FanoutFixture.start(Map.of("STORYCAST_FANOUT_AWAIT_MEDIA", "true",
                "STORYCAST_FANOUT_MEDIA_WAIT_SECONDS", String.valueOf(MEDIA_WAIT_SECONDS),
                "STORYCAST_FANOUT_INSTANCES", "1",
                "STORYCAST_FANOUT_MAX_STORIES_IN_FLIGHT", "1"));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aStoryWaitsForItsMediaAndReachesTheTraysOnceTheRenditionsAreReady() {
        WaitingThenReady posted = postWaitingThenReady();

        // The story posted after it went through: the fan-out has seen the waiting one, and held it back.
        assertThat(fixture.trayStoryIds("instagram", posted.follower())).as("no media yet, so in no tray")
                .containsExactly(posted.ready());
        HttpResponse<String> upload = put(fixture.gateway(), "media-" + posted.waiting(), bytesOf(TestImages.redBlueJpeg(800, 600)));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);

        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> assertThat(fixture.trayStoryIds("instagram", posted.follower()))
                .containsExactlyInAnyOrder(posted.waiting(), posted.ready()));
    }

    @Test
    void aStoryWaitingForItsMediaDoesNotHoldBackTheStoriesBehindIt() {
        WaitingThenReady posted = postWaitingThenReady();

        // With its one place held by the waiting story, the ready one would only go once the wait ran out
        // and the waiting story was failed.
        assertThat(fixture.storyState("instagram", posted.waiting()).getJsonObject("fanout").getJsonObject("instagram")
                .getString("state")).as("still waiting for its media").isEqualTo("pending");
    }

    /** Two stories of one author to one follower: the first without its media yet, the second with it ready. */
    private record WaitingThenReady(String follower, String waiting, String ready) {
    }

    /** Posts a story whose media never came, then one whose media is ready, and waits for the second in the tray. */
    private static WaitingThenReady postWaitingThenReady() {
        String author = "author-" + StoryEvents.newStoryId();
        String follower = "follower-" + StoryEvents.newStoryId();
        fixture.audience("instagram", author, "default", List.of(follower));
        String waiting = StoryEvents.newStoryId();
        String ready = storyWithReadyMedia();
        fixture.post(story("instagram", waiting, author, "default", 2));
        fixture.post(story("instagram", ready, author, "default", 1));
        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(fixture.trayStoryIds("instagram", follower)).contains(ready));
        return new WaitingThenReady(follower, waiting, ready);
    }

    @Test
    void aStoryWhoseMediaFailedIsFailedWithTheMediasProblemAndShownNowhere() {
        String author = "author-" + StoryEvents.newStoryId();
        String follower = "follower-" + StoryEvents.newStoryId();
        fixture.audience("instagram", author, "default", List.of(follower));
        String storyId = StoryEvents.newStoryId();
        HttpResponse<String> refused = put(fixture.gateway(), "media-" + storyId,
                "#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n".getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(422);

        fixture.post(story("instagram", storyId, author, "default", 1));

        JsonObject instagram = awaitTargetState(storyId, "failed");
        assertThat(instagram.getString("reason")).contains("media-" + storyId, "unsupported-media-type");
        assertThat(fixture.trayStoryIds("instagram", follower)).isEmpty();
    }

    @Test
    void aStoryWhoseMediaNeverComesFailsWhenTheWaitRunsOut() {
        String author = "author-" + StoryEvents.newStoryId();
        fixture.audience("instagram", author, "default", List.of("someone-" + StoryEvents.newStoryId()));
        String storyId = StoryEvents.newStoryId();

        fixture.post(story("instagram", storyId, author, "default", 1));

        assertThat(awaitTargetState(storyId, "failed").getString("reason")).contains("not ready within", "never uploaded");
    }

    /** @return a new story id whose media is uploaded and ready */
    private static String storyWithReadyMedia() {
        String storyId = StoryEvents.newStoryId();
        HttpResponse<String> upload = put(fixture.gateway(), "media-" + storyId, bytesOf(TestImages.redBlueJpeg(640, 480)));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(MediaUploads.status(fixture.gateway(), "media-" + storyId).getString("status")).isEqualTo("ready"));
        return storyId;
    }

    private static JsonObject awaitTargetState(String storyId, String state) {
        JsonObject[] target = new JsonObject[1];
        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> {
            target[0] = fixture.storyState("instagram", storyId).getJsonObject("fanout").getJsonObject("instagram");
            assertThat(target[0].getString("state")).isEqualTo(state);
        });
        return target[0];
    }
}
