package io.storycast.loadtest;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Producers posting stories: single events and NDJSON batches, in an open model (arrivals per second
 * do not slow down when the gateway does, so latency is measured from the intended send time).
 *
 * <p>System properties (all optional): {@code baseUrl} (http://127.0.0.1:8080), {@code producerKey}
 * (storycast-dev-key), {@code platforms} the key's source platforms, comma separated (all four), {@code singleRate} single-event requests/s (200), {@code batchRate} batch
 * requests/s (10), {@code batchSize} events per batch (100), {@code authors} distinct authors (10000),
 * {@code durationSeconds} (30), {@code rampSeconds} (5), {@code p99Millis} the p99 the run must beat
 * (250), {@code maxErrorPercent} (1.0).
 */
public class IngestSimulation extends Simulation {
    private final String baseUrl = System.getProperty("baseUrl", "http://127.0.0.1:8080");
    private final String producerKey = System.getProperty("producerKey", "storycast-dev-key");
    private final double singleRate = Double.parseDouble(System.getProperty("singleRate", "200"));
    private final double batchRate = Double.parseDouble(System.getProperty("batchRate", "10"));
    private final int batchSize = Integer.getInteger("batchSize", 100);
    private final int authors = Integer.getInteger("authors", 10_000);
    private final Duration duration = Duration.ofSeconds(Integer.getInteger("durationSeconds", 30));
    private final Duration ramp = Duration.ofSeconds(Integer.getInteger("rampSeconds", 5));
    private final int p99Millis = Integer.getInteger("p99Millis", 250);
    private final double maxErrorPercent = Double.parseDouble(System.getProperty("maxErrorPercent", "1.0"));

    private final HttpProtocolBuilder protocol = http.baseUrl(baseUrl)
            .authorizationHeader("Bearer " + producerKey)
            .shareConnections();

    private final ScenarioBuilder single = scenario("single event").exec(http("POST one story")
            .post("/v1/stories")
            .header("Content-Type", "application/json")
            .body(StringBody(session -> StoryEventsFactory.event(authors)))
            .check(status().is(202)));

    private final ScenarioBuilder batch = scenario("NDJSON batch").exec(http("POST batch of " + batchSize)
            .post("/v1/stories")
            .header("Content-Type", "application/x-ndjson")
            .body(StringBody(session -> StoryEventsFactory.batch(batchSize, authors)))
            .check(status().is(200))
            .check(jmesPath("accepted").ofInt().is(batchSize)));

    {
        setUp(
                single.injectOpen(rampUsersPerSec(1).to(singleRate).during(ramp), constantUsersPerSec(singleRate).during(duration)),
                batch.injectOpen(rampUsersPerSec(1).to(batchRate).during(ramp), constantUsersPerSec(batchRate).during(duration)))
                .protocols(protocol)
                .assertions(
                        global().responseTime().percentile(99.0).lt(p99Millis),
                        global().failedRequests().percent().lte(maxErrorPercent));
    }
}
