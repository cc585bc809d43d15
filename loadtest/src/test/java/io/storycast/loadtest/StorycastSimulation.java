package io.storycast.loadtest;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.Simulation;

import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;

/**
 * What every simulation shares: the {@link Target} (a running gateway, or one the run starts), the printing of
 * every parameter the run used before it starts, at the end the gateway's own stage latencies (when its
 * management listener is known) and the stop of a gateway the run started; and the bounds they assert alike.
 */
abstract class StorycastSimulation extends Simulation {
    /** The stages printed at the end of a run, in the order data flows through them. */
    private static final List<String> STAGES = List.of("http.ingest", "queue.wait", "fanout.story", "tray.write", "e2e.tray",
            "media.transcode.image", "media.transcode.video", "redis.roundtrip");

    protected final Target target = Target.fromParams();

    /** @return the assertion that the p99 of the request (or measurement) {@code name} is below {@code millis} */
    static Assertion p99Below(String name, int millis) {
        return details(name).responseTime().percentile(99.0).lt(millis);
    }

    /** Reads {@code maxErrorPercent} (1.0): @return the share of failed requests and measurements a run tolerates, % */
    static double maxErrorPercentFromParams() {
        return Params.percent("maxErrorPercent", 1.0);
    }

    /** @return the assertion that at most {@code percent} % of every request and measurement failed */
    static Assertion errorsAtMost(double percent) {
        return global().failedRequests().percent().lte(percent);
    }

    @Override
    public void before() {
        Params.print(getClass().getSimpleName());
    }

    @Override
    public void after() {
        target.printGatewayStages(STAGES);
        target.close();
    }
}
