package io.storycast.loadtest;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

/**
 * The open injection profile every load scenario uses: arrivals per second ramp up from 0 to the rate over
 * {@code rampSeconds}, then hold it for {@code durationSeconds}. Open means arrivals do not wait for answers,
 * so a slow gateway meets the same offered load and each request is timed from its scheduled start: no
 * coordinated omission.
 *
 * @param rampSeconds     ramp from 0 to each rate, seconds (0: none)
 * @param durationSeconds time at full rate, seconds
 */
record Load(int rampSeconds, int durationSeconds) {

    /** Reads {@code rampSeconds} and {@code durationSeconds}. */
    static Load fromParams(int rampSeconds, int durationSeconds) {
        return new Load(Params.integer("rampSeconds", rampSeconds, 0), Params.integer("durationSeconds", durationSeconds, 1));
    }

    /** @return the scenario arriving at {@code perSecond} users a second, after {@code delay}; null when the rate is 0 */
    PopulationBuilder arrivals(ScenarioBuilder scenario, double perSecond, Duration delay) {
        if (perSecond <= 0) {
            return null;
        }
        List<OpenInjectionStep> steps = new ArrayList<>();
        if (!delay.isZero()) {
            steps.add(nothingFor(delay));
        }
        if (rampSeconds > 0) {
            steps.add(rampUsersPerSec(0).to(perSecond).during(rampSeconds));
        }
        steps.add(constantUsersPerSec(perSecond).during(durationSeconds));
        return scenario.injectOpen(steps);
    }

    PopulationBuilder arrivals(ScenarioBuilder scenario, double perSecond) {
        return arrivals(scenario, perSecond, Duration.ZERO);
    }

    /** @return the populations that are not null (a scenario whose rate is 0 is left out) */
    static List<PopulationBuilder> present(PopulationBuilder... populations) {
        List<PopulationBuilder> present = new ArrayList<>();
        for (PopulationBuilder population : populations) {
            if (population != null) {
                present.add(population);
            }
        }
        if (present.isEmpty()) {
            throw new IllegalArgumentException("every rate is 0: nothing to run");
        }
        return present;
    }
}
