package io.storycast.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PromQL the ops files hold: each alert's expression and each query of the Grafana dashboard, by where it is. */
final class OpsQueries {
    static final String ALERTS = "ops/prometheus/storycast-alerts.yml";
    static final String DASHBOARD = "ops/grafana/storycast-dashboard.json";
    /** Grafana's {@code label_values(<selector>, <label>)}: the selector is PromQL, the label a label name. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\s*\\)\\s*");

    private OpsQueries() {
    }

    /** @return every alert rule of the rules file, in order */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> alertRules() {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : Yamls.list(RepositoryFiles.yaml(ALERTS), "groups")) {
            for (Object rule : Yamls.list(group, "rules")) {
                rules.add((Map<String, Object>) rule);
            }
        }
        return rules;
    }

    /** @return each alert's expression by "alert NAME" */
    static Map<String, String> alertExpressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (Map<String, Object> rule : alertRules()) {
            expressions.put("alert " + rule.get("alert"), (String) rule.get("expr"));
        }
        return expressions;
    }

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(RepositoryFiles.read(DASHBOARD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return every query of the dashboard by "panel TITLE (refId)" or "variable NAME": the targets of every
     *         panel, rows' nested panels included, and the templating variables' queries (the selector of a
     *         {@code label_values})
     */
    static Map<String, String> dashboardExpressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        JsonNode dashboard = dashboard();
        collectPanels(dashboard.path("panels"), expressions);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!"query".equals(variable.path("type").asText())) {
                continue;
            }
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            Matcher labelValues = LABEL_VALUES.matcher(text);
            expressions.put("variable " + variable.path("name").asText(), labelValues.matches() ? labelValues.group(1) : text);
        }
        return expressions;
    }

    private static void collectPanels(JsonNode panels, Map<String, String> expressions) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put("panel " + panel.path("title").asText() + " (" + target.path("refId").asText() + ")",
                        target.path("expr").asText());
            }
            collectPanels(panel.path("panels"), expressions);
        }
    }

    /** @return the alerts' and the dashboard's expressions together */
    static Map<String, String> all() {
        Map<String, String> all = new LinkedHashMap<>(alertExpressions());
        all.putAll(dashboardExpressions());
        return all;
    }
}
