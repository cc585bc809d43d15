package io.storycast.gateway.metrics;

import io.storycast.gateway.testing.FanoutFixture;
import io.storycast.gateway.testing.HeadlessChromium;
import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.testing.LeakDetectionExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.storycast.gateway.testing.FanoutFixture.story;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /dashboard/} in a real headless Chromium (Debian's, through its chromedriver) against a real gateway
 * with its fan-out and a real Redis: the page loads with no console error (no script error, no failed load,
 * no Content-Security-Policy violation), loads nothing from anywhere but the gateway, and after real story
 * traffic its three charts draw data: throughput above zero, latency curves on the percentile axis, stream
 * lag per partition. Tagged "browser": run by {@code mvn -Pwith-browser test -pl gateway -am} (.ci/run installs
 * the browser first). Waits poll with a deadline; nothing sleeps.
 */
@Tag("browser")
@ExtendWith(LeakDetectionExtension.class)
class DashboardBrowserTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int STORIES = 20;
    private static final long INTERVAL_MILLIS = 200;
    private static final int FOLLOWERS = 5;

    /**
     * What the charts draw, read from Chart.js's own chart objects: per chart the points of every dataset by
     * label, the {@code data-points} its figure shows, and the percentile axis's tick labels.
     */
    private static final String CHARTS = """
            const chart = (id) => {
              const found = Chart.getChart(document.querySelector('#' + id + ' canvas'));
              const points = {};
              found.data.datasets.forEach((set) => { points[set.label] = set.data.map((p) => [p.x, p.y]); });
              return {points, figurePoints: Number(document.getElementById(id).dataset.points)};
            };
            const latency = chart('latency');
            latency.xTicks = Chart.getChart(document.querySelector('#latency canvas')).scales.x.ticks.map((t) => t.label);
            return {status: document.getElementById('status').dataset.state,
                    throughput: chart('throughput'), latency, streams: chart('streams')};
            """;

    private static FanoutFixture fixture;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() {
        fixture = FanoutFixture.start(Map.of("STORYCAST_METRICS_INTERVAL_MILLIS", Long.toString(INTERVAL_MILLIS)));
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
    void chartsShowThroughputLatencyAndLagAfterTrafficWithNoConsoleError() {
        TestGateway gateway = fixture.gateway();
        String origin = "http://127.0.0.1:" + gateway.metricsUri("/").getPort();
        chromium.driver().get(origin + "/dashboard");
        assertThat(chromium.driver().getCurrentUrl()).isEqualTo(origin + "/dashboard/");
        assertThat(chromium.driver().getTitle()).isEqualTo("Storycast gateway: dashboard");

        // The page polled its feeds; no story was posted yet, so no ingest latency is drawn.
        Map<String, Object> before = await().atMost(DEADLINE).pollInterval(POLL)
                .until(DashboardBrowserTest::charts, charts -> "ok".equals(charts.get("status")));
        assertThat(points(before, "latency", "http.ingest")).isEmpty();

        String author = "dashboard-author-" + StoryEvents.newStoryId();
        List<String> followers = new ArrayList<>();
        for (int i = 0; i < FOLLOWERS; i++) {
            followers.add("f-" + i + "-" + author);
        }
        fixture.audience("instagram", author, "default", followers);
        String lastStory = null;
        for (int i = 0; i < STORIES; i++) {
            lastStory = "dashboard-story-" + StoryEvents.newStoryId();
            fixture.post(story("instagram", lastStory, author, "default", 1));
        }
        String awaited = lastStory;
        await().atMost(FanoutFixture.deadline()).untilAsserted(() ->
                assertThat(fixture.trayStoryIds("instagram", followers.get(FOLLOWERS - 1))).contains(awaited));

        Map<String, Object> after = await().atMost(DEADLINE).pollInterval(POLL).until(DashboardBrowserTest::charts,
                charts -> points(charts, "throughput", "http.ingest").stream().anyMatch(point -> point.get(1) > 0)
                        && !points(charts, "latency", "http.ingest").isEmpty()
                        && !points(charts, "latency", "e2e.tray").isEmpty()
                        && ((Map<String, Object>) charts.get("streams")).containsKey("points")
                        && ((Map<String, List<?>>) ((Map<String, Object>) charts.get("streams")).get("points")).size()
                                == TestGateway.STREAM_PARTITIONS + 1);

        // Throughput: the ingest stage's samples per second. No interval can hold more than every request
        // this test made (the stories and the page's own polls do not count: they are not ingest), so a
        // rate above that, per interval length, would be a rate computed wrongly.
        double mostPerSecond = STORIES * 1000.0 / INTERVAL_MILLIS;
        assertThat(points(after, "throughput", "http.ingest")).allSatisfy(point ->
                assertThat(point.get(1)).isBetween(0.0, mostPerSecond));
        // Latency: on HdrHistogram's axis, x = 1/(1-p) from 1 (0%) upwards; y in ms, > 0 and never falling.
        List<List<Double>> ingest = points(after, "latency", "http.ingest");
        assertThat(ingest.get(0).get(0)).isEqualTo(1.0);
        for (int i = 1; i < ingest.size(); i++) {
            assertThat(ingest.get(i).get(0)).isGreaterThan(ingest.get(i - 1).get(0));
            assertThat(ingest.get(i).get(1)).isGreaterThanOrEqualTo(ingest.get(i - 1).get(1));
        }
        assertThat(ingest).allSatisfy(point -> assertThat(point.get(1)).isPositive());
        assertThat((List<String>) ((Map<String, Object>) after.get("latency")).get("xTicks")).startsWith("0%", "90%");
        // Stream lag: a series per partition (lag) and the group's pending entries, each polled at least once.
        Map<String, List<?>> lag = (Map<String, List<?>>) ((Map<String, Object>) after.get("streams")).get("points");
        for (int partition = 0; partition < TestGateway.STREAM_PARTITIONS; partition++) {
            assertThat(lag.get("lag, partition " + partition + " (fanout)")).as("partition %d", partition).isNotEmpty();
        }
        assertThat(lag.get("pending, all partitions (fanout)")).isNotEmpty();
        // Every figure says how many points it draws.
        for (String chart : List.of("throughput", "latency", "streams")) {
            Map<String, Object> drawn = (Map<String, Object>) after.get(chart);
            long total = ((Map<String, List<?>>) drawn.get("points")).values().stream().mapToLong(List::size).sum();
            assertThat(((Number) drawn.get("figurePoints")).longValue()).as(chart).isEqualTo(total).isPositive();
        }

        // The console holds no error nor warning (a script error, a failed load or a refused one are errors),
        // and nothing was fetched from anywhere but the gateway.
        chromium.screenshot(Path.of("target", "dashboard-browser-test.png"));
        chromium.assertQuietAndSelfContained(origin);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> charts() {
        return (Map<String, Object>) chromium.script(CHARTS);
    }

    /** @return the [x, y] points of one chart's dataset, empty when it has none (yet) */
    @SuppressWarnings("unchecked")
    private static List<List<Double>> points(Map<String, Object> charts, String chart, String label) {
        Map<String, Object> points = (Map<String, Object>) ((Map<String, Object>) charts.get(chart)).get("points");
        List<List<Number>> raw = (List<List<Number>>) points.getOrDefault(label, List.of());
        return raw.stream().map(point -> point.stream().map(Number::doubleValue).toList()).toList();
    }
}
