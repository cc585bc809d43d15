package io.storycast.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * RFC 9457 problem details: every error the gateway answers is {@code application/problem+json} with a
 * stable {@code type}, the HTTP {@code status}, a {@code title}, a {@code detail} naming the field or
 * limit, and extension members such as {@code field}, {@code rule} or {@code limit}.
 */
public final class Problems {
    /** The media type of every error body. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private static final String TYPE_PREFIX = "urn:storycast:problem:";

    private Problems() {
    }

    /**
     * @param status HTTP status, 400 to 599
     * @param type   short stable problem name, e.g. {@code invalid-event}; becomes {@code urn:storycast:problem:<type>}
     * @param title  short summary of the problem type
     * @param detail this occurrence, naming the field or limit
     * @return a problem body to which extension members may be added
     */
    public static JsonObject problem(int status, String type, String title, String detail) {
        return new JsonObject()
                .put("type", TYPE_PREFIX + type)
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
    }

    /** Ends {@code response} with {@code problem}; its status is taken from the body. */
    public static Future<Void> send(HttpServerResponse response, JsonObject problem) {
        return response.setStatusCode(problem.getInteger("status"))
                .putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
                .end(problem.toBuffer());
    }

    /** Ends {@code response} with a 429 or 503 problem and a {@code Retry-After} header. */
    public static Future<Void> sendRetryLater(HttpServerResponse response, JsonObject problem, int retryAfterSeconds) {
        return send(retryLater(response, problem, retryAfterSeconds), problem);
    }

    /**
     * Sets {@code Retry-After} on {@code response} and the matching {@code retryAfterSeconds} member on
     * {@code problem}, for callers that write the body themselves.
     */
    public static HttpServerResponse retryLater(HttpServerResponse response, JsonObject problem, int retryAfterSeconds) {
        problem.put("retryAfterSeconds", retryAfterSeconds);
        return response.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    }
}
