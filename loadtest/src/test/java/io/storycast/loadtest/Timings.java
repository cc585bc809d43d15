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
 * the only class here that touches Gatling's internals (checked against 3.14.9). The risks that come with them:
 * <ul>
 *   <li>The build compiles this against the pinned Gatling, so a changed signature fails the build, but a changed
 *       meaning would not: {@code logResponse} takes the response code before the message, both
 *       {@code Option<String>}, and epoch-millisecond timestamps on Gatling's clock.</li>
 *   <li>Gatling's clock is not {@link System#currentTimeMillis()}: it reads the wall clock once and adds
 *       {@link System#nanoTime()} from there, so a wall clock that is stepped during a run (NTP, a VM resumed)
 *       moves neither its durations nor its timeline. Every time given to this class must come from
 *       {@link #nowMillis()}, the same formula; mixed with the wall clock, a step would show up in the measured
 *       times, even as negative ones. SSE message timestamps ({@code SseInboundMessage.timestamp()}) are on
 *       Gatling's own clock instance: mixed with {@link #nowMillis()}, they are off by how far the wall clock moved
 *       against the monotonic one between the two clocks' starts, a few seconds apart (nothing, unless stepped
 *       then).</li>
 *   <li>Gatling's own actions ({@code ChainableAction}) catch what they throw and send the user on, failed. This one
 *       is a plain {@code Action}, so it catches for itself: a timing function that throws (a missing session
 *       attribute, say) is recorded as one KO under {@code name} and the user goes on, failed; otherwise the user
 *       would be lost and the run would wait for it until {@code maxDuration}, or forever.</li>
 *   <li>The records count like requests in {@code global()} (the failed percentage, requests per second), on
 *       purpose: a story not delivered is a failure. They do not add to the cumulated response time of a group
 *       they sit in (the requests they span already do); a KO one fails the group.</li>
 * </ul>
 */
final class Timings implements ActionBuilder {
    /** Gatling's {@code DefaultClock}: the wall clock once, then the monotonic clock. */
    private static final long START_EPOCH_MILLIS = System.currentTimeMillis();
    private static final long START_NANOS = System.nanoTime();

    /**
     * One measured time.
     *
     * @param name        the request name it is recorded under
     * @param startMillis when it started, from {@link #nowMillis()} (epoch milliseconds)
     * @param endMillis   when it ended, from {@link #nowMillis()}, or an SSE message's timestamp
     * @param failure     null for OK, else why it is KO (its message in the report)
     */
    record Timing(String name, long startMillis, long endMillis, String failure) {
        Timing {
            Objects.requireNonNull(name, "name");
        }
    }

    private final String name;
    private final Function<Session, List<Timing>> timings;

    private Timings(String name, Function<Session, List<Timing>> timings) {
        this.name = Objects.requireNonNull(name, "name");
        this.timings = Objects.requireNonNull(timings, "timings");
    }

    /**
     * @return now in epoch milliseconds on a clock that only moves forward, at the pace of {@link System#nanoTime()}
     *         (Gatling's formula): for every start and end time given to this class
     */
    static long nowMillis() {
        return START_EPOCH_MILLIS + (System.nanoTime() - START_NANOS) / 1_000_000;
    }

    /**
     * Records what {@code timings} derives from the session; the user goes on failed if any is KO.
     *
     * @param name the request name a crash of {@code timings} is recorded under, as a KO
     */
    static Timings of(String name, Function<Session, List<Timing>> timings) {
        return new Timings(name, timings);
    }

    /**
     * Records the time from the {@link #nowMillis()} in {@code startAttribute} until now.
     *
     * @param failure null when the measured thing succeeded, else why not
     */
    static Timings since(String name, String startAttribute, Function<Session, String> failure) {
        Objects.requireNonNull(startAttribute, "startAttribute");
        Objects.requireNonNull(failure, "failure");
        return new Timings(name, session -> List.of(new Timing(name, session.getLong(startAttribute), nowMillis(),
                failure.apply(session))));
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return this::build;
    }

    private Action build(ScenarioContext context, Action next) {
        return new Record(context.coreComponents().statsEngine(), next, name, timings);
    }

    /** The action itself: logs the timings, then hands the user to the next action. */
    private static final class Record implements Action {
        private Logger logger = Logger.apply(Record.class);
        private final StatsEngine stats;
        private final Action next;
        private final String name;
        private final Function<Session, List<Timing>> timings;

        Record(StatsEngine stats, Action next, String name, Function<Session, List<Timing>> timings) {
            this.stats = stats;
            this.next = next;
            this.name = name;
            this.timings = timings;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void execute(io.gatling.core.session.Session session) {
            boolean failed = false;
            try {
                for (Timing timing : timings.apply(new Session(session))) {
                    log(session, timing);
                    failed |= timing.failure() != null;
                }
            } catch (RuntimeException crash) {
                logger.underlying().error("'{}' crashed, recorded as KO", name, crash);
                long now = nowMillis();
                log(session, new Timing(name, now, now, "crashed: " + crash));
                failed = true;
            }
            next.$bang(failed ? session.markAsFailed() : session);
        }

        private void log(io.gatling.core.session.Session session, Timing timing) {
            stats.logResponse(session.scenario(), session.groups(), timing.name(), timing.startMillis(), timing.endMillis(),
                    timing.failure() == null ? OK$.MODULE$ : KO$.MODULE$, Option.empty(), Option.apply(timing.failure()));
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
