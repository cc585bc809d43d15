package io.storycast.gateway.live;

import io.storycast.gateway.testing.FanoutFixture;
import io.storycast.gateway.testing.HeadlessChromium;
import io.storycast.gateway.testing.LiveTokensForTests;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.testing.LeakDetectionExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.FanoutFixture.story;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example client page {@code /live-demo/} in a real headless Chromium (Debian's, through its chromedriver) against
 * a real gateway with its fan-out and a real Redis: the page's {@code EventSource} connects with the subscriber's token
 * and shows a story posted after it connected, with nothing loaded from anywhere but the gateway and no console error.
 * Tagged "browser": run by {@code mvn -Pwith-browser test -pl gateway -am}. Waits poll with a deadline.
 */
@Tag("browser")
@ExtendWith(LeakDetectionExtension.class)
class LiveBrowserTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static FanoutFixture fixture;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() {
        fixture = FanoutFixture.start(Map.of("STORYCAST_LIVE_TOKEN_SECRET", LiveTokensForTests.SECRET,
                "STORYCAST_LIVE_DEMO_PAGE", "true"));
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            fixture.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theExamplePageShowsAStoryPostedAfterItConnected() {
        String author = "browser-author-" + StoryEvents.newStoryId();
        String subscriber = "browser-subscriber-" + StoryEvents.newStoryId();
        fixture.audience("instagram", author, "default", List.of(subscriber));
        String origin = "http://127.0.0.1:" + fixture.gateway().port();
        // The token goes in the fragment, which the browser never sends to a server.
        chromium.driver().get(origin + "/live-demo/#platform=instagram&subscriber=" + subscriber + "&token="
                + LiveTokensForTests.valid("instagram", subscriber));
        assertThat(chromium.driver().getTitle()).isEqualTo("Storycast: live stories");
        await().atMost(DEADLINE).pollInterval(POLL).until(() -> "open".equals(chromium.script(
                "return document.getElementById('status').dataset.state;")));
        assertThat(chromium.script("return document.querySelectorAll('#stories li').length;")).isEqualTo(0L);

        String storyId = "browser-story-" + StoryEvents.newStoryId();
        fixture.post(story("instagram", storyId, author, "default", 1).put("caption", "seen in a browser"));

        Map<String, Object> shown = await().atMost(DEADLINE).pollInterval(POLL).until(() -> (Map<String, Object>) chromium.script("""
                const item = document.querySelector('#stories li');
                return item === null ? null : {storyId: item.dataset.storyId, source: item.dataset.sourcePlatform,
                    text: item.textContent, lastEventId: document.getElementById('last-event-id').dataset.id};
                """), found -> found != null);
        assertThat(shown.get("storyId")).isEqualTo(storyId);
        assertThat(shown.get("source")).isEqualTo("instagram");
        assertThat((String) shown.get("text")).contains("seen in a browser").contains(author);
        assertThat((String) shown.get("lastEventId")).isNotBlank();

        chromium.screenshot(Path.of("target", "live-browser-test.png"));
        chromium.assertQuietAndSelfContained(origin);
    }
}
