package io.storycast.gateway.story;

import java.util.Objects;

/**
 * Why input was refused (a story event, a cross-share preference, a bulk line): the field (a JSON path
 * such as {@code media.kind}, or {@code body} for the document as a whole), the rule it broke, and a
 * sentence for people.
 *
 * @param field  the offending field's path
 * @param rule   a stable machine-readable rule name, e.g. {@code required}, {@code type}, {@code enum}
 * @param detail a human-readable explanation naming the field and the limit
 */
public record FieldProblem(String field, String rule, String detail) {
    public FieldProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
    }

    public static FieldProblem required(String field) {
        return new FieldProblem(field, "required", field + " is required");
    }

    public static FieldProblem type(String field, String expected) {
        return new FieldProblem(field, "type", field + " must be " + expected);
    }
}
