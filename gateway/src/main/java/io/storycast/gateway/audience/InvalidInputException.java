package io.storycast.gateway.audience;

import io.storycast.gateway.story.FieldProblem;

import java.util.Objects;

/** Input that breaks a rule; carries the {@link FieldProblem} the HTTP layer answers with (400). */
public final class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient FieldProblem problem;

    public InvalidInputException(FieldProblem problem) {
        super(Objects.requireNonNull(problem, "problem").detail(), null, false, false);
        this.problem = problem;
    }

    /** @return the field, rule and explanation */
    public FieldProblem problem() {
        return problem;
    }
}
