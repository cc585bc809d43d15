package io.storycast.gateway.ingest;

import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.story.StoryEvent;

/** Either a valid {@link StoryEvent} or the {@link FieldProblem} that stopped it; never both. */
public final class DecodeResult {
    private final StoryEvent event;
    private final FieldProblem problem;

    private DecodeResult(StoryEvent event, FieldProblem problem) {
        this.event = event;
        this.problem = problem;
    }

    static DecodeResult valid(StoryEvent event) {
        return new DecodeResult(event, null);
    }

    static DecodeResult invalid(FieldProblem problem) {
        return new DecodeResult(null, problem);
    }

    public boolean isValid() {
        return event != null;
    }

    /** @return the event, or {@code null} when invalid */
    public StoryEvent event() {
        return event;
    }

    /** @return the problem, or {@code null} when valid */
    public FieldProblem problem() {
        return problem;
    }
}
