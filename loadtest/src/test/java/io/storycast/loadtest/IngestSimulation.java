package io.storycast.loadtest;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ScenarioBuilder;

import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Producers posting stories: single events ({@code application/json}) and NDJSON batches, from many authors, in
 * an open model. Measures ingest alone: the authors have no audiences, so the fan-out has nothing to write.
 * The setup first uploads the image every story names, so no story waits for its media in the fan-out.
 *
 * <p>Parameters (system properties) beside {@link Target}'s: {@code singleRate} single-event requests/s (200),
 * {@code batchRate} batch requests/s (10), {@code batchSize} events per batch (100), {@code authors} distinct
 * authors (10000), {@code platforms} source platforms, the producer key's (all four), {@code idPrefix} (lt),
 * {@code durationSeconds} (30), {@code rampSeconds} (5), {@code p99Millis} bound of a single post's p99 (250),
 * {@code batchP99Millis} bound of a batch's p99 (1000), {@code maxErrorPercent} (1.0).
 */
public class IngestSimulation extends StorycastSimulation {
    private final String idPrefix = Params.idPrefix();
    private final double singleRate = Params.decimal("singleRate", 200, 0);
    private final double batchRate = Params.decimal("batchRate", 10, 0);
    private final int batchSize = Params.integer("batchSize", 100, 1);
    private final int authors = Params.integer("authors", 10_000, 1);
    private final List<String> platforms = StoryEventsFactory.checkPlatforms("platforms",
            Params.list("platforms", "instagram,facebook,whatsapp,messenger"));
    private final Load load = Load.fromParams(5, 30);
    private final int p99Millis = Params.integer("p99Millis", 250, 1);
    private final int batchP99Millis = Params.integer("batchP99Millis", 1000, 1);
    private final double maxErrorPercent = maxErrorPercentFromParams();

    private final String mediaId = MediaUpload.runMediaId(idPrefix);
    private final StoryEventsFactory events = new StoryEventsFactory(mediaId, idPrefix);
    private final ScenarioBuilder singles = scenario("single event")
            .exec(Requests.postOne(target, session -> events.randomEvent(platforms, authors)));

    private final ScenarioBuilder batches = scenario("NDJSON batch")
            .exec(Requests.postBatch(target, batchSize, session -> events.randomBatch(platforms, batchSize, authors)));

    {
        List<Assertion> assertions = new ArrayList<>();
        assertions.add(details(Seeding.GROUP).failedRequests().count().is(0L));
        if (singleRate > 0) {
            assertions.add(p99Below(Requests.POST_ONE, p99Millis));
        }
        if (batchRate > 0) {
            assertions.add(p99Below("POST batch of " + batchSize, batchP99Millis));
        }
        assertions.add(errorsAtMost(maxErrorPercent));
        setUp(Seeding.setup(target, null, 1, mediaId, MediaSamples.jpeg(1080, 1920, 1))
                .andThen(Load.present(load.arrivals(singles, singleRate), load.arrivals(batches, batchRate))))
                .protocols(target.protocol())
                .assertions(assertions);
    }
}
