package io.storycast.gateway.live;

import io.storycast.gateway.http.Problems;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * Why a live connection is refused, as the problem it is answered with (problem+json over HTTP, an error frame over
 * WebSocket) and the reason it is counted under ({@code storycast_live_refused_total}).
 */
final class LiveRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String title;
    private final String field;
    private final String limit;
    private final String reason;

    /**
     * @param status HTTP status, 400 to 599
     * @param type   the problem's type name, e.g. {@code unauthorized}
     * @param field  the request part at fault ({@code Authorization}, {@code Last-Event-ID}...), or {@code null}
     * @param reason the counter's reason, one of {@code LiveCounters.REFUSAL_REASONS}
     */
    LiveRefusal(int status, String type, String title, String detail, String field, String reason) {
        this(status, type, title, detail, field, null, reason);
    }

    private LiveRefusal(int status, String type, String title, String detail, String field, String limit, String reason) {
        super(detail, null, false, false);
        this.status = status;
        this.type = Objects.requireNonNull(type, "type");
        this.title = Objects.requireNonNull(title, "title");
        this.field = field;
        this.limit = limit;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** A 503 naming the configuration key that set the limit reached ({@code limit} member). */
    static LiveRefusal unavailable(String type, String title, String detail, String limit, String reason) {
        return new LiveRefusal(503, type, title, detail, null, limit, reason);
    }

    static LiveRefusal unauthorized(String detail, String field) {
        return new LiveRefusal(401, "unauthorized", "Unauthorized", detail, field, "unauthorized");
    }

    static LiveRefusal forbidden(String detail, String field) {
        return new LiveRefusal(403, "forbidden-subscriber", "Not this subscriber's stream", detail, field, "forbidden");
    }

    static LiveRefusal invalid(String detail, String field) {
        return new LiveRefusal(400, "invalid-input", "Invalid input", detail, field, "invalid");
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    /** @return the problem document; a 503's {@code retryAfterSeconds} is added by whoever sets the header */
    JsonObject problem() {
        JsonObject problem = Problems.problem(status, type, title, getMessage());
        if (field != null) {
            problem.put("field", field);
        }
        if (limit != null) {
            problem.put("limit", limit);
        }
        return problem;
    }
}
