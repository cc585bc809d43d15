package io.storycast.gateway.http;

import io.storycast.media.MediaProblem;
import io.vertx.core.json.JsonObject;

/** The problem+json of a refused upload: 422 naming what was wrong (413 for the byte limit). */
final class MediaProblems {
    private MediaProblems() {
    }

    /** @return the problem a media record names by its slug (e.g. {@code media-corrupt}), as it was refused */
    static JsonObject ofSlug(String slug, String detail) {
        for (MediaProblem problem : MediaProblem.values()) {
            if (problem.slug().equals(slug)) {
                return of(problem, detail);
            }
        }
        return Problems.problem(422, slug, "Media refused", detail);
    }

    static JsonObject of(MediaProblem problem, String detail) {
        int status = problem == MediaProblem.TOO_MANY_BYTES ? 413 : 422;
        String title = switch (problem) {
            case UNSUPPORTED_TYPE -> "Unsupported media type";
            case TOO_MANY_BYTES -> "Upload too large";
            case TOO_MANY_PIXELS -> "Image too large";
            case TOO_LONG -> "Video too long";
            case CORRUPT -> "Media corrupt";
            case TIMED_OUT -> "Media job timed out";
        };
        JsonObject body = Problems.problem(status, problem.slug(), title, detail);
        String limit = switch (problem) {
            case TOO_MANY_BYTES -> "media.maxUploadBytes";
            case TOO_MANY_PIXELS -> "media.maxPixels";
            case TOO_LONG -> "media.maxDurationSeconds";
            case TIMED_OUT -> "media.jobTimeoutSeconds";
            default -> null;
        };
        return limit == null ? body : body.put("limit", limit);
    }

    /** @return the 413 of an upload past {@code media.maxUploadBytes} */
    static JsonObject tooLarge(long maxUploadBytes) {
        return Problems.problem(413, MediaProblem.TOO_MANY_BYTES.slug(), "Upload too large",
                "the upload exceeds " + maxUploadBytes + " bytes (media.maxUploadBytes)")
                .put("limit", "media.maxUploadBytes").put("maxBytes", maxUploadBytes);
    }
}
