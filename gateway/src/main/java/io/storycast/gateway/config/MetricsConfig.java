package io.storycast.gateway.config;

/**
 * Metrics: the management listener serving {@code GET /metrics} (Prometheus) and {@code GET /v1/stats/latency},
 * the stages' latency intervals, and their optional interval logs.
 *
 * @param enabled        serve the management listener, swap latency intervals and poll the stream groups;
 *                       {@code false} leaves only the (wait-free, bounded) recording; default {@code true}
 * @param host           address the management listener binds; default {@code 127.0.0.1} (unauthenticated:
 *                       bind it to an address only the scrapers reach)
 * @param port           its TCP port, 0 to 65535, not the same as {@code http.port}; 0 picks a free port (the
 *                       log says which); default 9464
 * @param intervalMillis length of a latency interval, milliseconds, 100 to 3600000: the gauges in {@code /metrics}
 *                       show the last interval, the interval logs get one line per interval, and the stream
 *                       groups are polled this often; set it near the Prometheus scrape interval; default 10000
 * @param hlogDir        folder of the interval logs, one HdrHistogram log per stage ({@code <stage>.hlog}),
 *                       created if missing; {@code null} writes none; default {@code null}
 */
public record MetricsConfig(boolean enabled, String host, int port, long intervalMillis, String hlogDir) {
    void validate(HttpConfig http) {
        ConfigException.require(host != null && !host.isBlank(), "metrics.host", "must be a host name or address");
        ConfigException.requireRange(port, 0, 65_535, "metrics.port");
        ConfigException.require(!enabled || port == 0 || port != http.port(), "metrics.port",
                "must differ from http.port (" + http.port() + ")");
        ConfigException.requireRange(intervalMillis, 100, 3_600_000, "metrics.intervalMillis");
        ConfigException.require(hlogDir == null || !hlogDir.isBlank(), "metrics.hlogDir", "must be a folder or null");
    }
}
