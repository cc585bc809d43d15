package io.storycast.gateway.http;

import io.storycast.gateway.auth.ApiClient;
import io.storycast.gateway.auth.ApiKeyRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;

import java.util.List;
import java.util.Objects;

/**
 * Authenticates a caller by {@code Authorization: Bearer <key>} against one registry (producers or tray
 * readers); 401 (with {@code WWW-Authenticate: Bearer}) when the header is missing, malformed or the key
 * unknown to that registry. The client is put in the routing context under {@link #CLIENT}; the platform
 * check (403) happens where the platform is known. A security-policy handler so Vert.x Web runs it before
 * the body is read: an unknown caller costs no body buffering.
 */
final class ApiKeyAuthHandler implements SecurityPolicyHandler {
    static final String CLIENT = "storycast.client";
    private static final String BEARER = "Bearer ";

    private final List<ApiKeyRegistry> registries;
    private final String keyName;

    /**
     * @param clients the keys this handler accepts
     * @param keyName what the key is called in messages, e.g. {@code "producer key"}
     */
    ApiKeyAuthHandler(ApiKeyRegistry clients, String keyName) {
        this(List.of(clients), keyName);
    }

    /** @param registries the registries whose keys this handler accepts, looked up in order */
    ApiKeyAuthHandler(List<ApiKeyRegistry> registries, String keyName) {
        this.registries = List.copyOf(registries);
        this.keyName = Objects.requireNonNull(keyName, "keyName");
    }

    @Override
    public void handle(RoutingContext context) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            unauthorized(context, "send the " + keyName + " as 'Authorization: Bearer <key>'");
            return;
        }
        String key = authorization.substring(BEARER.length()).trim();
        ApiClient client = null;
        for (int i = 0; i < registries.size() && client == null; i++) {
            client = registries.get(i).find(key);
        }
        if (client == null) {
            unauthorized(context, "the " + keyName + " is not known");
            return;
        }
        context.put(CLIENT, client);
        context.next();
    }

    private static void unauthorized(RoutingContext context, String detail) {
        context.response().putHeader("WWW-Authenticate", "Bearer realm=\"storycast\"");
        Problems.send(context.response(), Problems.problem(401, "unauthorized", "Unauthorized", detail)
                .put("field", "Authorization"));
    }
}
