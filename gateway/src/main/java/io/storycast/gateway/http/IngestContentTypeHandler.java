package io.storycast.gateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Refuses with 415 any ingest request whose {@code Content-Type} is neither {@code application/json} (one
 * event) nor {@code application/x-ndjson} (a batch), before the body is read. Parameters such as
 * {@code charset} are allowed.
 */
final class IngestContentTypeHandler implements PlatformHandler {
    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";
    /** Routing-context key: {@code Boolean.TRUE} when the body is an NDJSON batch. */
    static final String IS_BATCH = "storycast.isBatch";

    @Override
    public void handle(RoutingContext context) {
        String contentType = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim();
        if (!mediaType.equalsIgnoreCase(JSON) && !mediaType.equalsIgnoreCase(NDJSON)) {
            Problems.send(context.response(), Problems.problem(415, "unsupported-media-type", "Unsupported media type",
                    "Content-Type must be " + JSON + " (one event) or " + NDJSON + " (a batch), was '"
                            + (contentType == null ? "" : contentType) + "'").put("field", "Content-Type"));
            return;
        }
        context.put(IS_BATCH, mediaType.equalsIgnoreCase(NDJSON));
        context.next();
    }
}
