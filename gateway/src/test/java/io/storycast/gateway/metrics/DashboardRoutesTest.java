package io.storycast.gateway.metrics;

import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import io.storycast.testing.LeakDetectionExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /dashboard/} on a real gateway's management listener, over loopback HTTP: the page, every file it
 * names (all relative, so all from the gateway) and the bundled Chart.js are served with a same-origin
 * Content-Security-Policy. What the page draws in a browser is {@link DashboardBrowserTest}'s part.
 */
@ExtendWith(LeakDetectionExtension.class)
class DashboardRoutesTest {
    /** {@code src="…"} and {@code href="…"} attributes of the page. */
    private static final Pattern REFERENCES = Pattern.compile("\\b(?:src|href)=\"([^\"]*)\"");
    /** The feeds dashboard.js fetches, relative to the page. */
    private static final Pattern FEEDS = Pattern.compile("'(\\.\\./v1/stats/[a-z]+)'");

    private static TestRedis redis;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    @Test
    void dashboardRedirectsToItsFolderSoRelativeLinksResolve() {
        HttpResponse<String> response = get(gateway.metricsUri("/dashboard"));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("dashboard/");
    }

    @Test
    void pageAndEveryFileItNamesComeFromTheGatewayUnderASameOriginPolicy() {
        URI page = gateway.metricsUri("/dashboard/");
        HttpResponse<String> response = get(page);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue(DashboardRoutes.CONTENT_SECURITY_POLICY);
        List<String> references = matches(REFERENCES, response.body());
        assertThat(references).contains("dashboard.css", "vendor/chart.umd.min.js", "dashboard.js", "data:,");
        for (String reference : references) {
            if (reference.startsWith("data:")) {
                continue;
            }
            assertThat(reference).as("a relative reference").doesNotContain(":").doesNotStartWith("/");
            HttpResponse<String> file = get(page.resolve(reference));
            assertThat(file.statusCode()).as(reference).isEqualTo(200);
            assertThat(file.headers().firstValue("Content-Security-Policy")).as(reference)
                    .hasValue(DashboardRoutes.CONTENT_SECURITY_POLICY);
        }
    }

    @Test
    void bundledChartJsIsTheWebJarsVersion() {
        HttpResponse<String> response = get(gateway.metricsUri("/dashboard/vendor/chart.umd.min.js"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
        String version = new DashboardRoutes().chartJsVersion();
        assertThat(version).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(response.body()).startsWith("/*!\n * Chart.js v" + version + "\n").contains("Released under the MIT License");
    }

    @Test
    void feedsThePageFetchesAreServedBesideIt() {
        URI page = gateway.metricsUri("/dashboard/");
        HttpResponse<String> script = get(page.resolve("dashboard.js"));
        List<String> feeds = matches(FEEDS, script.body());

        assertThat(feeds).containsExactlyInAnyOrder("../v1/stats/latency", "../v1/stats/streams");
        for (String feed : feeds) {
            HttpResponse<String> response = get(page.resolve(feed));
            assertThat(response.statusCode()).as(feed).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).as(feed).hasValue("application/json");
        }
    }

    @Test
    void unknownDashboardFileIsNotFound() {
        assertThat(get(gateway.metricsUri("/dashboard/missing.js")).statusCode()).isEqualTo(404);
        assertThat(get(gateway.metricsUri("/dashboard/vendor/missing.js")).statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(URI uri) {
        return gateway.send(HttpRequest.newBuilder(uri).GET());
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
