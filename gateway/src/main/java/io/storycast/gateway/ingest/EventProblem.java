package io.storycast.gateway.ingest;

import java.util.Objects;

/**
 * Why an event was refused: the field (a JSON path such as {@code media.kind}, or {@code body} for the
 * document as a whole), the rule it broke, and a sentence for people.
 *
 * @param field  the offending field's path
 * @param rule   a stable machine-readable rule name, e.g. {@code required}, {@code type}, {@code enum}
 * @param detail a human-readable explanation naming the field and the limit
 */
public record EventProblem(String field, String rule, String detail) {
    public EventProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
    }

    static EventProblem required(String field) {
        return new EventProblem(field, "required", field + " is required");
    }

    static EventProblem type(String field, String expected) {
        return new EventProblem(field, "type", field + " must be " + expected);
    }
}
