package io.storycast.ops;

import io.storycast.ops.PromQl.Matcher;
import io.storycast.ops.PromQl.Selector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scanner that finds the metric names the alert rules and the dashboard use. */
class PromQlTest {
    @Test
    void findsMetricsInsideFunctionsAndAggregationsButNotTheirNames() {
        List<Selector> selectors = PromQl.selectors(
                "sum by (reason) (rate(storycast_ingest_rejected_total{reason=~\"overloaded|unavailable\"}[5m])) > 1");

        assertThat(selectors).containsExactly(new Selector("storycast_ingest_rejected_total",
                List.of(new Matcher("reason", "=~", "overloaded|unavailable"))));
    }

    @Test
    void leavesOutLabelListsKeywordsNumbersAndDurations() {
        List<Selector> selectors = PromQl.selectors("""
                min by (partition) (min_over_time(storycast_stream_pending[15m])) > 0
                and on ()
                sum without (instance, job) (increase(storycast_fanout_delivered_total[15m] offset 1h)) == 0
                or vector(1) * on (job) group_left (version) jvm_info unless bool 1e3""");

        assertThat(selectors).extracting(Selector::metric)
                .containsExactly("storycast_stream_pending", "storycast_fanout_delivered_total", "jvm_info");
    }

    @Test
    void readsBareNamesAndEveryMatcherOperator() {
        List<Selector> selectors = PromQl.selectors(
                "process_cpu_usage / ignoring(area) jvm_memory_used_bytes{area=\"heap\", id!=\"x\",route!~'/metrics|/readyz'}");

        assertThat(selectors).containsExactly(
                new Selector("process_cpu_usage", List.of()),
                new Selector("jvm_memory_used_bytes", List.of(new Matcher("area", "=", "heap"),
                        new Matcher("id", "!=", "x"), new Matcher("route", "!~", "/metrics|/readyz"))));
    }

    @Test
    void skipsGrafanaVariablesAndStrings() {
        List<Selector> selectors = PromQl.selectors("label_replace(max by (quantile) (storycast_stage_latency_seconds"
                + "{job=\"$job\",instance=~\"$instance\",stage=\"e2e.tray\"}), \"q\", \"$1\", \"quantile\", \"(.*)\")"
                + " * on() group_left() (rate(vertx_http_server_requests_total[$__rate_interval]) > ${threshold})");

        assertThat(selectors).containsExactly(
                new Selector("storycast_stage_latency_seconds", List.of(new Matcher("job", "=", "$job"),
                        new Matcher("instance", "=~", "$instance"), new Matcher("stage", "=", "e2e.tray"))),
                new Selector("vertx_http_server_requests_total", List.of()));
    }

    @Test
    void readsSuffixedSampleNamesAndNamesGivenAsLabel() {
        assertThat(PromQl.selectors("histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket[5m]))) "
                + "+ rate(jvm_gc_pause_seconds_sum[1m]) / {__name__=\"jvm_gc_pause_seconds_count\"}"))
                .extracting(Selector::metric)
                .containsExactly("x_seconds_bucket", "jvm_gc_pause_seconds_sum", "jvm_gc_pause_seconds_count");
    }

    @Test
    void refusesAMatcherItCannotRead() {
        assertThatThrownBy(() -> PromQl.selectors("up{job}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromQl.selectors("sum(rate(x[5m])")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unbalanced");
    }
}
