package io.storycast.gateway.config;

/**
 * The HTTP server (HTTP/1.1 keep-alive and HTTP/2 cleartext with prior knowledge on one port).
 *
 * @param host                address to bind; default {@code 127.0.0.1}, set {@code 0.0.0.0} to serve other hosts
 * @param port                TCP port, 0 to 65535; 0 picks a free port (tests); default 8080
 * @param instances           HTTP event-loop verticles, 0 means one per available core; default 0
 * @param maxBodyBytes        largest request body in bytes, 1 KiB to 256 MiB; past it 413; default 4 MiB
 * @param maxInFlightRequests ingest requests handled at once across the process, at least 1; past it 429; default 1024
 * @param idleTimeoutSeconds  idle connections are closed after this many seconds, 0 disables; default 60
 */
public record HttpConfig(
        String host,
        int port,
        int instances,
        int maxBodyBytes,
        int maxInFlightRequests,
        int idleTimeoutSeconds) {

    void validate() {
        ConfigException.require(host != null && !host.isBlank(), "http.host", "must be a host name or address");
        ConfigException.requireRange(port, 0, 65_535, "http.port");
        ConfigException.requireRange(instances, 0, 1024, "http.instances");
        ConfigException.requireRange(maxBodyBytes, 1024, 256 * 1024 * 1024, "http.maxBodyBytes");
        ConfigException.requireRange(maxInFlightRequests, 1, 1_000_000, "http.maxInFlightRequests");
        ConfigException.requireRange(idleTimeoutSeconds, 0, 86_400, "http.idleTimeoutSeconds");
    }

    /** @return the configured instance count, with 0 resolved to the number of available cores */
    public int resolvedInstances() {
        return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
    }
}
