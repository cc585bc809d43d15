package io.storycast.gateway.config;

import java.nio.charset.StandardCharsets;

/**
 * Live delivery: stories pushed to connected subscribers over Server-Sent Events and WebSocket, from whichever
 * gateway process fans them out to whichever holds the subscriber's connection (docs/ARCHITECTURE.md, "Live
 * delivery").
 *
 * @param enabled          whether this process takes part in live delivery at all: serves {@code /v1/live} (with a
 *                         {@code tokenSecret}) and publishes pushes from its fan-out for subscribers connected to any
 *                         process; {@code false} costs the fan-out nothing and answers {@code /v1/live} 404; default true
 * @param tokenSecret      the HMAC-SHA256 secret subscribers' tokens are signed with, at least 32 bytes (RFC 7518 §3.2:
 *                         a key as long as the hash); {@code null} means this process serves no live connection
 *                         ({@code /v1/live} answers 503 {@code live-not-configured}) but still publishes pushes;
 *                         default {@code null}
 * @param maxConnections   live connections (SSE and WebSocket) this process holds at once, 1 to 1000000; past it 503
 *                         with {@code Retry-After}; default 10000
 * @param heartbeatSeconds an idle connection gets a comment (SSE) or a ping (WebSocket) after this many seconds,
 *                         1 to 3600, below {@code http.idleTimeoutSeconds} unless that is 0; default 15
 * @param retryMillis      the reconnection delay an SSE client is told ({@code retry:}), milliseconds, 100 to 600000;
 *                         a connection cut off by the gateway tells a random delay up to it, so clients cut off
 *                         together do not come back together; default 2000
 * @param maxQueuedEvents  events one connection may hold waiting for its socket (beyond {@code writeQueueBytes}),
 *                         1 to 100000; past it the connection is cut off with a resume hint; default 256
 * @param writeQueueBytes  bytes one connection may have written and not yet sent before its events queue
 *                         (Vert.x's write queue), 1024 to 16777216; default 65536
 * @param leaseSeconds     how long a connection's registration in Redis lives unless its process renews it (every
 *                         third of it), 3 to 3600; a killed process's registrations are gone within it; default 30
 * @param registryShards   the registry's shards, 1 to 1024, or 0 for the default of the Redis mode: the fan-out
 *                         probes a chunk's subscribers with one command per shard among them (one shard's keys share
 *                         a Redis Cluster slot). 0 means 1 on a standalone Redis, where shards only add commands (16
 *                         per chunk made 100-follower stories fall behind at 1,000 stories/s: docs/PERFORMANCE.md),
 *                         and {@value #CLUSTER_REGISTRY_SHARDS} on a cluster, to spread the registry over its masters;
 *                         default 0
 * @param maxResumeStories most stories a resumed connection is sent from the tray ({@code Last-Event-ID}),
 *                         1 to 100000; past it the connection gets the newest ones and a {@code resync} event;
 *                         default 1000
 * @param maxPendingLookups chunks one fan-out event loop may have waiting for their registry lookup and publish,
 *                         1 to 100000; past it a chunk's push is dropped and counted (the tray has it); default 256
 * @param recentStoriesPerConnection stories a connection remembers having sent, 0 to 100000: a story pushed again
 *                         (a redelivered fan-out) is not sent twice, and a retraction goes to the connections that
 *                         were sent the story; default 256
 * @param subscribeTimeoutSeconds how long a WebSocket may stay open without its subscribe message, 1 to 300;
 *                         default 10
 * @param maxWaitingDeliveries deliveries (a push to one connection) that may wait for one HTTP event loop to take
 *                         them from the hub, 1 to 10000000: the hand-over queue's bound, so a loop that falls behind
 *                         holds nothing without limit; a push that finds it full cuts its connections off with a
 *                         resume hint (reason {@code overloaded}); default 65536
 * @param demoPage         serve the example client page {@code /live-demo/} on the API port (off by default: the API
 *                         listener serves nothing unauthenticated); default false
 */
public record LiveConfig(
        boolean enabled,
        String tokenSecret,
        int maxConnections,
        int heartbeatSeconds,
        int retryMillis,
        int maxQueuedEvents,
        int writeQueueBytes,
        int leaseSeconds,
        int registryShards,
        int maxResumeStories,
        int maxPendingLookups,
        int recentStoriesPerConnection,
        int subscribeTimeoutSeconds,
        int maxWaitingDeliveries,
        boolean demoPage) {

    /** The registry's shards on a Redis Cluster when {@code live.registryShards} is 0. */
    public static final int CLUSTER_REGISTRY_SHARDS = 16;

    /** The shortest secret accepted, bytes: HS256's hash length. */
    public static final int MIN_SECRET_BYTES = 32;

    void validate(HttpConfig http) {
        ConfigException.require(tokenSecret == null || tokenSecret.getBytes(StandardCharsets.UTF_8).length >= MIN_SECRET_BYTES,
                "live.tokenSecret", "must be at least " + MIN_SECRET_BYTES + " bytes (an HS256 key as long as its hash), or null");
        ConfigException.requireRange(maxConnections, 1, 1_000_000, "live.maxConnections");
        ConfigException.requireRange(heartbeatSeconds, 1, 3600, "live.heartbeatSeconds");
        // A connection that waits longer than the server's idle timeout between writes would be closed by it.
        ConfigException.require(http.idleTimeoutSeconds() == 0 || heartbeatSeconds < http.idleTimeoutSeconds(),
                "live.heartbeatSeconds", "must be below http.idleTimeoutSeconds (" + http.idleTimeoutSeconds()
                        + "), was " + heartbeatSeconds);
        ConfigException.requireRange(retryMillis, 100, 600_000, "live.retryMillis");
        ConfigException.requireRange(maxQueuedEvents, 1, 100_000, "live.maxQueuedEvents");
        ConfigException.requireRange(writeQueueBytes, 1024, 16 * 1024 * 1024, "live.writeQueueBytes");
        ConfigException.requireRange(leaseSeconds, 3, 3600, "live.leaseSeconds");
        ConfigException.requireRange(registryShards, 0, 1024, "live.registryShards");
        ConfigException.requireRange(maxResumeStories, 1, 100_000, "live.maxResumeStories");
        ConfigException.requireRange(maxPendingLookups, 1, 100_000, "live.maxPendingLookups");
        ConfigException.requireRange(recentStoriesPerConnection, 0, 100_000, "live.recentStoriesPerConnection");
        ConfigException.requireRange(subscribeTimeoutSeconds, 1, 300, "live.subscribeTimeoutSeconds");
        ConfigException.requireRange(maxWaitingDeliveries, 1, 10_000_000, "live.maxWaitingDeliveries");
    }

    /**
     * @param cluster whether the data lives on a Redis Cluster ({@code redis.mode})
     * @return the registry's shards: {@code live.registryShards}, or when that is 0, 1 on a standalone Redis and
     *         {@value #CLUSTER_REGISTRY_SHARDS} on a cluster
     */
    public int registryShardsOn(boolean cluster) {
        if (registryShards != 0) {
            return registryShards;
        }
        return cluster ? CLUSTER_REGISTRY_SHARDS : 1;
    }

    /** @return whether this process serves live connections: live delivery on and a token secret configured */
    public boolean serves() {
        return enabled && tokenSecret != null;
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "LiveConfig[enabled=" + enabled + ", tokenSecret=" + (tokenSecret == null ? "null" : "(set)")
                + ", maxConnections=" + maxConnections + ", heartbeatSeconds=" + heartbeatSeconds
                + ", retryMillis=" + retryMillis + ", maxQueuedEvents=" + maxQueuedEvents
                + ", writeQueueBytes=" + writeQueueBytes + ", leaseSeconds=" + leaseSeconds
                + ", registryShards=" + registryShards + ", maxResumeStories=" + maxResumeStories
                + ", maxPendingLookups=" + maxPendingLookups + ", recentStoriesPerConnection=" + recentStoriesPerConnection
                + ", subscribeTimeoutSeconds=" + subscribeTimeoutSeconds + ", maxWaitingDeliveries=" + maxWaitingDeliveries
                + ", demoPage=" + demoPage + "]";
    }
}
