package io.storycast.gateway.config;

/**
 * Graceful shutdown.
 *
 * @param drainTimeoutSeconds how long in-flight requests may take to finish after a stop signal, 0 to 3600;
 *                            keep the orchestrator's grace period above it; default 30
 */
public record ShutdownConfig(int drainTimeoutSeconds) {
    void validate() {
        ConfigException.requireRange(drainTimeoutSeconds, 0, 3600, "shutdown.drainTimeoutSeconds");
    }
}
