package io.storycast.gateway.http;

import io.storycast.gateway.ingest.Producer;
import io.storycast.gateway.ingest.ProducerRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;

import java.util.Objects;

/**
 * Authenticates a producer by {@code Authorization: Bearer <key>}; 401 (with
 * {@code WWW-Authenticate: Bearer}) when the header is missing, malformed or the key unknown. The producer
 * is put in the routing context under {@link #PRODUCER}. The platform check (403) happens per event.
 * A security-policy handler so Vert.x Web runs it before the body is read: an unknown caller costs no
 * body buffering.
 */
final class ProducerAuthHandler implements SecurityPolicyHandler {
    static final String PRODUCER = "storycast.producer";
    private static final String BEARER = "Bearer ";

    private final ProducerRegistry producers;

    ProducerAuthHandler(ProducerRegistry producers) {
        this.producers = Objects.requireNonNull(producers, "producers");
    }

    @Override
    public void handle(RoutingContext context) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            unauthorized(context, "send the producer key as 'Authorization: Bearer <key>'");
            return;
        }
        Producer producer = producers.find(authorization.substring(BEARER.length()).trim());
        if (producer == null) {
            unauthorized(context, "the producer key is not known");
            return;
        }
        context.put(PRODUCER, producer);
        context.next();
    }

    private static void unauthorized(RoutingContext context, String detail) {
        context.response().putHeader("WWW-Authenticate", "Bearer realm=\"storycast\"");
        Problems.send(context.response(), Problems.problem(401, "unauthorized", "Unauthorized", detail)
                .put("field", "Authorization"));
    }
}
