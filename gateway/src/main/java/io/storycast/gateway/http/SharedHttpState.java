package io.storycast.gateway.http;

import io.storycast.gateway.auth.ApiKeyRegistry;
import io.storycast.gateway.live.LiveHub;
import io.storycast.gateway.media.SharedMedia;
import io.storycast.gateway.metrics.ProcessMetrics;

import java.util.Objects;

/**
 * What every HTTP event loop of a process shares: who may call (producer, reader and admin keys), the process-wide
 * bound on requests in flight, readiness, the media jobs and store, the process's stage latencies and counters, and
 * its live hub ({@code null} when live delivery is off).
 */
public record SharedHttpState(ApiKeyRegistry producers, ApiKeyRegistry readers, ApiKeyRegistry admins,
                              InFlightLimiter inFlight, Readiness readiness, SharedMedia media,
                              ProcessMetrics metrics, LiveHub live) {
    public SharedHttpState {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(producers, "producers");
        Objects.requireNonNull(readers, "readers");
        Objects.requireNonNull(admins, "admins");
        Objects.requireNonNull(inFlight, "inFlight");
        Objects.requireNonNull(readiness, "readiness");
    }
}
