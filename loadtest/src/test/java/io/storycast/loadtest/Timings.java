package io.storycast.loadtest;

import com.typesafe.scalalogging.Logger;
import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.core.action.Action;
import io.gatling.core.stats.StatsEngine;
import io.gatling.core.structure.ScenarioContext;
import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.Session;
import scala.Option;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An action that records times the simulation measured itself as requests of their own in Gatling's
 * statistics: they get the report's percentiles, charts and OK/KO counts, and assertions name them like any
 * request ({@code details("ingest to tray")}). What it records spans several requests or none, e.g. from a
 * story's post to the tray poll that first showed it, or to the SSE event that pushed it.
 *
 * <p>Gatling's Java DSL has no public way to record such a time, so this implements its Scala
 * {@code ActionBuilder} and logs through the scenario's {@code StatsEngine}, as Gatling's own actions do. It is
 * the only class here that touches Gatling's internals; the build compiles it against the pinned Gatling
 * version, so an upgrade that changes them fails to compile rather than measuring wrongly.
 */
final class Timings implements ActionBuilder {
    /**
     * One measured time.
     *
     * @param name        the request name it is recorded under
     * @param startMillis epoch milliseconds when it started
     * @param endMillis   epoch milliseconds when it ended
     * @param failure     null for OK, else why it is KO (its message in the report)
     */
    record Timing(String name, long startMillis, long endMillis, String failure) {
        Timing {
            Objects.requireNonNull(name, "name");
        }
    }

    private final Function<Session, List<Timing>> timings;

    private Timings(Function<Session, List<Timing>> timings) {
        this.timings = Objects.requireNonNull(timings, "timings");
    }

    /** Records what {@code timings} derives from the session; the user goes on failed if any is KO. */
    static Timings of(Function<Session, List<Timing>> timings) {
        return new Timings(timings);
    }

    /**
     * Records the time from the epoch milliseconds in {@code startAttribute} until now.
     *
     * @param failure null when the measured thing succeeded, else why not
     */
    static Timings since(String name, String startAttribute, Function<Session, String> failure) {
        return new Timings(session -> List.of(new Timing(name, session.getLong(startAttribute), System.currentTimeMillis(),
                failure.apply(session))));
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return this::build;
    }

    private Action build(ScenarioContext context, Action next) {
        return new Record(context.coreComponents().statsEngine(), next, timings);
    }

    /** The action itself: logs the timings, then hands the user to the next action. */
    private static final class Record implements Action {
        private Logger logger = Logger.apply(Record.class);
        private final StatsEngine stats;
        private final Action next;
        private final Function<Session, List<Timing>> timings;

        Record(StatsEngine stats, Action next, Function<Session, List<Timing>> timings) {
            this.stats = stats;
            this.next = next;
            this.timings = timings;
        }

        @Override
        public String name() {
            return "timings";
        }

        @Override
        public void execute(io.gatling.core.session.Session session) {
            boolean failed = false;
            for (Timing timing : timings.apply(new Session(session))) {
                stats.logResponse(session.scenario(), session.groups(), timing.name(), timing.startMillis(), timing.endMillis(),
                        timing.failure() == null ? OK$.MODULE$ : KO$.MODULE$, Option.empty(), Option.apply(timing.failure()));
                failed |= timing.failure() != null;
            }
            next.$bang(failed ? session.markAsFailed() : session);
        }

        @Override
        public Logger logger() {
            return logger;
        }

        @Override
        public void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(Logger logger) {
            this.logger = logger;
        }
    }
}
