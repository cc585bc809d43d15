package io.storycast.gateway.fanout;

import io.storycast.gateway.testing.FanoutFixture;
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
 */
class MediaFanoutTest {
    private static FanoutFixture fixture;

    @BeforeAll
    static void start() {
        fixture = FanoutFixture.start(Map.of("STORYCAST_FANOUT_AWAIT_MEDIA", "true",
                "STORYCAST_FANOUT_MEDIA_WAIT_SECONDS", "3"));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aStoryWaitsForItsMediaAndReachesTheTraysOnceTheRenditionsAreReady() {
        String author = "author-" + StoryEvents.newStoryId();
        String follower = "follower-" + StoryEvents.newStoryId();
        fixture.audience("instagram", author, "default", List.of(follower));
        String storyId = StoryEvents.newStoryId();
        fixture.post(story("instagram", storyId, author, "default", 1));

        // The story's record is written before the wait: once it exists the fan-out has the story.
        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(fixture.storyState("instagram", storyId).getJsonObject("fanout").getJsonObject("instagram")
                        .getString("state")).isEqualTo("pending"));
        assertThat(fixture.trayStoryIds("instagram", follower)).as("no media yet, so in no tray").isEmpty();
        HttpResponse<String> upload = put(fixture.gateway(), "media-" + storyId, bytesOf(TestImages.redBlueJpeg(800, 600)));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);

        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(fixture.trayStoryIds("instagram", follower)).containsExactly(storyId));
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

    private static JsonObject awaitTargetState(String storyId, String state) {
        JsonObject[] target = new JsonObject[1];
        await().atMost(FanoutFixture.deadline()).untilAsserted(() -> {
            target[0] = fixture.storyState("instagram", storyId).getJsonObject("fanout").getJsonObject("instagram");
            assertThat(target[0].getString("state")).isEqualTo(state);
        });
        return target[0];
    }
}
