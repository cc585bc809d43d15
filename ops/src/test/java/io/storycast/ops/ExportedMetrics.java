package io.storycast.ops;

import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.Summary;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The series of one {@code /metrics} scrape, by the sample names a query uses: a counter's or gauge's name, a
 * summary's {@code _count} and {@code _sum} (and the name itself with {@code quantile}), a histogram's
 * {@code _bucket} (with {@code le}), {@code _count} and {@code _sum}. Read by a real Prometheus text parser.
 */
final class ExportedMetrics {
    /** Labels that Prometheus adds to every series of a target; they are never in {@code /metrics}. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    private final Map<String, List<Map<String, String>>> series = new HashMap<>();

    private ExportedMetrics() {
    }

    static ExportedMetrics parse(String text) {
        ExportedMetrics metrics = new ExportedMetrics();
        long read = 0;
        try {
            TextPrometheusMetricDataParser parser = new TextPrometheusMetricDataParser(
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            for (MetricFamily family = parser.parse(); family != null; family = parser.parse()) {
                for (Metric metric : family.getMetrics()) {
                    read += metrics.add(family.getName(), metric);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The parser skips what it cannot read: every sample line must be one it read.
        long lines = text.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).count();
        if (read != lines) {
            throw new IllegalStateException("the parser read " + read + " samples of " + lines + " lines");
        }
        return metrics;
    }

    /** @return the samples the metric stands for */
    private int add(String name, Metric metric) {
        Map<String, String> labels = metric.getLabels();
        if (metric instanceof Summary summary) {
            summary.getQuantiles().forEach(quantile -> put(name, labels, "quantile", Double.toString(quantile.getQuantile())));
            put(name + "_count", labels, null, null);
            put(name + "_sum", labels, null, null);
            return summary.getQuantiles().size() + 2;
        }
        if (metric instanceof Histogram histogram) {
            histogram.getBuckets().forEach(bucket -> put(name + "_bucket", labels, "le", Double.toString(bucket.getUpperBound())));
            put(name + "_count", labels, null, null);
            put(name + "_sum", labels, null, null);
            return histogram.getBuckets().size() + 2;
        }
        put(name, labels, null, null);
        return 1;
    }

    private void put(String name, Map<String, String> labels, String extraLabel, String extraValue) {
        Map<String, String> all = new HashMap<>(labels);
        if (extraLabel != null) {
            all.put(extraLabel, extraValue);
        }
        series.computeIfAbsent(name, ignored -> new ArrayList<>()).add(all);
    }

    /** @return every sample name, sorted */
    Set<String> names() {
        return new TreeSet<>(series.keySet());
    }

    boolean has(String name) {
        return series.containsKey(name);
    }

    /** @return whether some series of the sample name carries the label */
    boolean hasLabel(String name, String label) {
        return series.getOrDefault(name, List.of()).stream().anyMatch(labels -> labels.containsKey(label));
    }

    /** @return the values the label takes among the sample name's series */
    Set<String> labelValues(String name, String label) {
        Set<String> values = new HashSet<>();
        series.getOrDefault(name, List.of()).forEach(labels -> {
            if (labels.containsKey(label)) {
                values.add(labels.get(label));
            }
        });
        return values;
    }

    /**
     * What is wrong with a selector against these series: an unknown sample name, an unknown label, an
     * equality matcher whose value no series has, or a regular expression one of whose alternatives
     * ({@code a|b}) matches no value. Matchers on {@link #TARGET_LABELS} and values holding a Grafana
     * {@code $variable} are left unchecked.
     *
     * @return the problems, empty when none
     */
    List<String> problems(PromQl.Selector selector, String where) {
        List<String> problems = new ArrayList<>();
        String name = selector.metric();
        if (!has(name)) {
            problems.add(where + ": no metric " + name + " in /metrics");
            return problems;
        }
        for (PromQl.Matcher matcher : selector.matchers()) {
            if (TARGET_LABELS.contains(matcher.label()) || matcher.value().contains("$")) {
                continue;
            }
            if (!hasLabel(name, matcher.label())) {
                problems.add(where + ": " + name + " has no label " + matcher.label());
                continue;
            }
            Set<String> values = labelValues(name, matcher.label());
            switch (matcher.op()) {
                case "=" -> {
                    if (!values.contains(matcher.value())) {
                        problems.add(where + ": " + name + " has no " + matcher.label() + "=\"" + matcher.value()
                                + "\" (it has " + new TreeSet<>(values) + ")");
                    }
                }
                case "=~" -> {
                    for (String alternative : matcher.value().split("\\|")) {
                        Pattern pattern = Pattern.compile(alternative);
                        if (values.stream().noneMatch(value -> pattern.matcher(value).matches())) {
                            problems.add(where + ": no " + matcher.label() + " of " + name + " matches \"" + alternative
                                    + "\" (it has " + new TreeSet<>(values) + ")");
                        }
                    }
                }
                default -> {
                    // != and !~ exclude: that the label exists is all there is to check
                }
            }
        }
        return problems;
    }
}
