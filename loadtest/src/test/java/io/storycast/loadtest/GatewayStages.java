package io.storycast.loadtest;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The gateway's own view of a run: {@code GET /v1/stats/latency} on its management listener, printed per stage
 * (count, p50, p99, max in milliseconds, since the gateway started, up to its last metrics interval). Beside
 * Gatling's client-side figures it shows where the time went: e.g. {@code e2e.tray} is accept → last tray
 * write inside the gateway, while the simulations' "ingest to tray" adds the HTTP round trips and the polling.
 */
final class GatewayStages {

    private GatewayStages() {
    }

    static void print(String metricsUrl, List<String> stages) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(metricsUrl + "/v1/stats/latency"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                System.out.println("gateway stages: GET /v1/stats/latency answered " + response.statusCode());
                return;
            }
            JsonNode all = Json.MAPPER.readTree(response.body()).path("stages");
            StringBuilder out = new StringBuilder("gateway stages since its start (ms; from " + metricsUrl + "/v1/stats/latency):\n");
            out.append(String.format(Locale.ROOT, "  %-24s %10s %10s %10s %10s%n", "stage", "count", "p50", "p99", "max"));
            for (String stage : stages) {
                JsonNode since = all.path(stage).path("sinceStart");
                if (since.isMissingNode()) {
                    continue;
                }
                out.append(String.format(Locale.ROOT, "  %-24s %10d %10.1f %10.1f %10.1f%n", stage, since.path("count").asLong(),
                        since.path("p50").asDouble() / 1000, since.path("p99").asDouble() / 1000, since.path("max").asDouble() / 1000));
            }
            System.out.print(out);
        } catch (IOException e) {
            System.out.println("gateway stages: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
