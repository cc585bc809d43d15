package io.storycast.gateway.http;

import io.storycast.gateway.auth.ApiKeyRegistry;

import java.util.Objects;

/**
 * What every HTTP event loop of a process shares: who may call (producer and reader keys), the process-wide
 * bound on requests in flight, and readiness.
 */
public record SharedHttpState(ApiKeyRegistry producers, ApiKeyRegistry readers, InFlightLimiter inFlight,
                              Readiness readiness) {
    public SharedHttpState {
        Objects.requireNonNull(producers, "producers");
        Objects.requireNonNull(readers, "readers");
        Objects.requireNonNull(inFlight, "inFlight");
        Objects.requireNonNull(readiness, "readiness");
    }
}
