package io.storycast.gateway.http;

import io.storycast.gateway.auth.ApiKeyRegistry;

import java.util.Objects;

/**
 * What every HTTP event loop of a process shares: who may call (producer, reader and admin keys), the process-wide
 * bound on requests in flight, and readiness.
 */
public record SharedHttpState(ApiKeyRegistry producers, ApiKeyRegistry readers, ApiKeyRegistry admins,
                              InFlightLimiter inFlight, Readiness readiness) {
    public SharedHttpState {
        Objects.requireNonNull(producers, "producers");
        Objects.requireNonNull(readers, "readers");
        Objects.requireNonNull(admins, "admins");
        Objects.requireNonNull(inFlight, "inFlight");
        Objects.requireNonNull(readiness, "readiness");
    }
}
