package io.storycast.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The metric selectors of a PromQL expression (or a Grafana query, whose {@code $variables} it skips): each
 * metric name with its label matchers. It is a scanner, not a full parser, but it knows what is not a
 * metric: function and aggregation names (an identifier before {@code (}, or an aggregation before
 * {@code by}/{@code without}), keywords and set operators, the label lists of {@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left} and {@code group_right}, strings, numbers, durations and
 * range or subquery brackets.
 */
final class PromQl {
    /** One label matcher: {@code label op "value"}, op one of {@code = != =~ !~}. */
    record Matcher(String label, String op, String value) {
    }

    /** A metric name and its matchers, e.g. {@code storycast_stream_lag{partition="3"}}. */
    record Selector(String metric, List<Matcher> matchers) {
    }

    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "atan2", "inf", "nan");

    private final String text;
    private int at;

    private PromQl(String text) {
        this.text = Objects.requireNonNull(text, "text");
    }

    /** @return every selector of the expression, in order */
    static List<Selector> selectors(String expression) {
        return new PromQl(expression).scan();
    }

    private List<Selector> scan() {
        List<Selector> selectors = new ArrayList<>();
        int depth = 0;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString();
            } else if (c == '[') {
                skipPast(']');
            } else if (c == '$') {
                skipVariable();
            } else if (c == '{') {
                // A selector without a name: {__name__="..."}
                List<Matcher> matchers = matchers();
                matchers.stream().filter(m -> m.label().equals("__name__") && m.op().equals("="))
                        .findFirst().ifPresent(name -> selectors.add(new Selector(name.value(), matchers)));
            } else if (Character.isDigit(c) || c == '.' && at + 1 < text.length() && Character.isDigit(text.charAt(at + 1))) {
                while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '.' || text.charAt(at) == '_')) {
                    at++; // a number or a duration (5m, 1h30m, 0.99, 1e3)
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                identifier(selectors);
            } else {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (depth < 0 || c == ']' || c == '}') {
                    throw new IllegalArgumentException("unbalanced '" + c + "' at " + at + " of: " + text);
                }
                at++; // an operator, a parenthesis, a comma
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unbalanced '(' in: " + text);
        }
        return selectors;
    }

    private void identifier(List<Selector> selectors) {
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_' || text.charAt(at) == ':')) {
            at++;
        }
        String name = text.substring(start, at);
        char next = nextNonSpace();
        if (LABEL_LIST_KEYWORDS.contains(name)) {
            if (next == '(') {
                skipPast(')');
            }
        } else if (KEYWORDS.contains(name) || AGGREGATIONS.contains(name) || next == '(') {
            // a keyword, an aggregation (followed by "(" or "by"), or a function call
        } else if (next == '{') {
            selectors.add(new Selector(name, matchers()));
        } else {
            selectors.add(new Selector(name, List.of()));
        }
    }

    /** Parses {@code {label op "value", ...}} starting at the next {@code {}; leaves {@link #at} after the {@code }}. */
    private List<Matcher> matchers() {
        at = text.indexOf('{', at) + 1;
        List<Matcher> matchers = new ArrayList<>();
        while (true) {
            char next = nextNonSpace();
            if (next == '}') {
                at++;
                return matchers;
            }
            if (next == ',') {
                at++;
                continue;
            }
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            String label = text.substring(start, at);
            nextNonSpace();
            int opStart = at;
            while (at < text.length() && "=!~".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            String op = text.substring(opStart, at);
            nextNonSpace();
            if (label.isEmpty() || !Set.of("=", "!=", "=~", "!~").contains(op) || at >= text.length()) {
                throw new IllegalArgumentException("cannot read the label matchers at " + start + " of: " + text);
            }
            matchers.add(new Matcher(label, op, string()));
        }
    }

    /** @return the string literal at {@link #at}, unescaped (Go's escapes as PromQL has them: \" \\ \n ...) */
    private String string() {
        char quote = text.charAt(at);
        if (quote != '"' && quote != '\'' && quote != '`') {
            throw new IllegalArgumentException("expected a string at " + at + " of: " + text);
        }
        StringBuilder value = new StringBuilder();
        for (at++; at < text.length() && text.charAt(at) != quote; at++) {
            char c = text.charAt(at);
            if (c == '\\' && quote != '`' && at + 1 < text.length()) {
                char escaped = text.charAt(++at);
                value.append(switch (escaped) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> escaped;
                });
            } else {
                value.append(c);
            }
        }
        at++;
        return value.toString();
    }

    private void skipString() {
        string();
    }

    private void skipVariable() {
        at++;
        if (at < text.length() && text.charAt(at) == '{') {
            skipPast('}');
            return;
        }
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
            at++;
        }
    }

    /** Moves past the bracket that closes the one at (or after) {@link #at}, nested brackets of its kind included. */
    private void skipPast(char close) {
        char open = switch (close) {
            case ')' -> '(';
            case ']' -> '[';
            default -> '{';
        };
        at = text.indexOf(open, at);
        int depth = 0;
        for (; at < text.length(); at++) {
            char c = text.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString();
                at--;
            } else if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                at++;
                return;
            }
        }
        throw new IllegalArgumentException("unbalanced '" + open + "' in: " + text);
    }

    /** @return the next character that is not white space (leaving {@link #at} on it), or 0 at the end */
    private char nextNonSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at < text.length() ? text.charAt(at) : 0;
    }
}
