package io.storycast.ops;

import io.storycast.gateway.config.ConfigLoader;
import io.storycast.gateway.metrics.StageLatencies;
import io.storycast.gateway.metrics.StageRecorder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules cover what an SRE must hear about, each says how bad it is and where its runbook is, and the
 * runbooks exist, are each reached from an alert, and name only configuration keys the gateway has.
 */
class AlertRulesTest {
    private static final Pattern CONFIG_KEY = Pattern.compile(
            "`((?:http|redis|ingest|audience|fanout|trays|media|metrics|shutdown|live)\\.[a-zA-Z.]+[a-zA-Z])`");
    private static final Set<String> CONFIG_KEYS = new HashSet<>(new ConfigLoader().keyPaths());
    /** Stage names (redis.roundtrip, media.transcode.image...) look like keys and are not. */
    private static final Set<String> STAGES = new HashSet<>(new StageLatencies().all().stream().map(StageRecorder::name).toList());

    @Test
    void everyConditionTheIssueNamesHasAnAlertOnItsMetric() {
        Map<String, String> alerts = OpsQueries.alertExpressions();

        assertThat(alerts.get("alert StorycastStreamLagGrowing")).contains("storycast_stream_lag").contains("deriv(");
        assertThat(alerts.get("alert StorycastPendingEntriesStuck")).contains("storycast_stream_pending");
        assertThat(alerts.get("alert StorycastDeadLetters")).contains("storycast_fanout_dead_lettered_total");
        assertThat(alerts.get("alert StorycastIngestP99High")).contains("stage=\"http.ingest\"").contains("quantile=\"0.99\"");
        assertThat(alerts.get("alert StorycastFanoutP99High")).contains("stage=\"e2e.tray\"").contains("quantile=\"0.99\"");
        assertThat(alerts.get("alert StorycastHttp5xxRate")).contains("vertx_http_server_requests_total").contains("code=~\"5..\"");
        assertThat(alerts.get("alert StorycastMediaFailures")).contains("storycast_media_jobs_total{outcome=\"failed\"}");
        assertThat(alerts.get("alert StorycastLiveCutoffs")).contains("storycast_live_cutoffs_total").contains("storycast_live_connections");
        assertThat(alerts.get("alert StorycastLivePushesNotPublished")).contains("storycast_live_publish_failures_total");
        assertThat(alerts.get("alert StorycastLivePushP99High")).contains("stage=\"e2e.push\"").contains("quantile=\"0.99\"");
    }

    @Test
    void everyAlertHasASeverityASummaryADescriptionAndARunbookThatExists() {
        List<Map<String, Object>> rules = OpsQueries.alertRules();
        assertThat(rules).isNotEmpty();
        for (Map<String, Object> rule : rules) {
            String name = (String) rule.get("alert");
            assertThat(name).as("a recording rule in the alert file").isNotNull();
            assertThat(Yamls.<String>at(rule, "labels.severity")).as(name).isIn("critical", "warning", "info");
            assertThat(Yamls.<String>at(rule, "annotations.summary")).as(name).isNotBlank();
            assertThat(Yamls.<String>at(rule, "annotations.description")).as(name).isNotBlank();
            String runbook = Yamls.at(rule, "annotations.runbook_url");
            assertThat(runbook).as(name).startsWith("ops/runbooks/").endsWith(".md");
            assertThat(RepositoryFiles.path(runbook)).as(name).isRegularFile();
        }
    }

    @Test
    void everyRunbookIsReachedFromAnAlertAndLinksOnlyToRunbooksThatExist() throws IOException {
        Set<String> linked = new TreeSet<>();
        OpsQueries.alertRules().forEach(rule -> linked.add(Yamls.at(rule, "annotations.runbook_url")));

        List<String> runbooks = runbooks().stream().map(path -> "ops/runbooks/" + path.getFileName()).toList();
        assertThat(runbooks).containsExactlyInAnyOrder("ops/runbooks/lag-rising.md", "ops/runbooks/redis-failover.md",
                "ops/runbooks/dead-letters.md", "ops/runbooks/celebrity-fanout.md", "ops/runbooks/scaling.md",
                "ops/runbooks/rotate-producer-keys.md", "ops/runbooks/live-delivery.md");
        assertThat(linked).containsExactlyInAnyOrderElementsOf(runbooks);
        for (Path runbook : runbooks()) {
            Matcher link = Pattern.compile("\\]\\(([a-z-]+\\.md)\\)").matcher(Files.readString(runbook));
            while (link.find()) {
                assertThat(runbook.resolveSibling(link.group(1))).as("%s links %s", runbook.getFileName(), link.group(1))
                        .isRegularFile();
            }
        }
    }

    @Test
    void runbooksAreConcreteWithAMetricACommandAndOnlyConfigurationKeysThatExist() throws IOException {
        for (Path runbook : runbooks()) {
            String text = Files.readString(runbook);
            assertThat(text).as("%s names a metric", runbook.getFileName()).containsPattern("storycast_[a-z_]+");
            assertThat(text).as("%s has a command", runbook.getFileName()).contains("```sh");
            assertThat(unknownKeys(text)).as("configuration keys in %s that the gateway does not have", runbook.getFileName())
                    .isEmpty();
        }
    }

    @Test
    void alertAnnotationsNameOnlyConfigurationKeysThatExist() {
        String rules = RepositoryFiles.read(OpsQueries.ALERTS).replaceAll("(?<![`\\w\"/-])((?:fanout|redis|http|media|ingest|live)\\.[a-zA-Z.]+[a-zA-Z])", "`$1`");

        assertThat(unknownKeys(rules)).isEmpty();
        // The check itself: a misspelt key is found.
        assertThat(unknownKeys("raise `fanout.claimIdleMilis` or `media.workers`; see `redis.roundtrip`"))
                .containsExactly("fanout.claimIdleMilis");
    }

    private static List<String> unknownKeys(String text) {
        List<String> unknown = new ArrayList<>();
        Matcher key = CONFIG_KEY.matcher(text);
        while (key.find()) {
            if (!CONFIG_KEYS.contains(key.group(1)) && !STAGES.contains(key.group(1))) {
                unknown.add(key.group(1));
            }
        }
        return unknown;
    }

    private static List<Path> runbooks() throws IOException {
        try (Stream<Path> files = Files.list(RepositoryFiles.path("ops/runbooks"))) {
            return files.filter(path -> path.toString().endsWith(".md")).sorted().toList();
        }
    }
}
