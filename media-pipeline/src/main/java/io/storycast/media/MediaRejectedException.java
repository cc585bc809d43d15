package io.storycast.media;

import java.util.Objects;

/** An upload the pipeline refuses, with the reason and a detail a producer can act on. */
public final class MediaRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final MediaProblem problem;

    /**
     * @param problem what was wrong
     * @param detail  the limit or the fault, e.g. "the header claims 15000x15000 = 225000000 pixels; the limit is 50000000"
     */
    public MediaRejectedException(MediaProblem problem, String detail) {
        super(detail, null, false, false);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public MediaProblem problem() {
        return problem;
    }
}
