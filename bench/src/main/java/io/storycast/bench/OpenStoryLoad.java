package io.storycast.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Posts story events at a steady rate, open model: story {@code i} is due at {@code start + i / rate}, and
 * is sent when due whether or not earlier ones were answered, so a slow gateway shows as latency instead
 * of slowing the load (no coordinated omission). Each story's latency is later taken from its intended
 * send time, never from when it was actually sent. With {@code batchMillis} above 0 it behaves like a
 * producer that batches: the stories that fell due within each window of that many milliseconds go in
 * one NDJSON request at the window's end, so the wait for the window counts in their latency.
 *
 * <p>Bounded as {@link OpenHttpLoad} is: when {@code maxOutstanding} requests are unanswered, the stories that
 * fall due are not sent and are counted apart ({@link Sent#unsent()}): the gateway is past saturation, and the
 * run says so instead of queueing requests without end in this JVM.
 */
final class OpenStoryLoad {
    /** A story sent: its ids, and when it was due, epoch ms with a fraction (from the monotonic clock). */
    record SentStory(String storyId, String authorId, double intendedEpochMillis) {
    }

    /**
     * What a run sent.
     *
     * @param accepted the stories the gateway accepted, in the order their answers came (not the order sent: match them by id)
     * @param refused  stories whose request failed or was refused (e.g. 503 when Redis did not answer in
     *                 time on an overloaded machine): they never reach a tray and have no latency
     * @param unsent   stories not sent because {@code maxOutstanding} requests were unanswered when they fell due
     */
    record Sent(List<SentStory> accepted, long refused, long unsent) {
        /** @return the stories that have no latency: refused and not sent */
        long failed() {
            return refused + unsent;
        }
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final long batchMillis;
    private final int maxOutstanding;

    /** Every story in a request of its own, at most {@value OpenHttpLoad#MAX_OUTSTANDING} unanswered. */
    OpenStoryLoad(Vertx vertx, HttpClient http) {
        this(vertx, http, 0, OpenHttpLoad.MAX_OUTSTANDING);
    }

    /**
     * @param batchMillis    window of a batch, milliseconds, at least 0; 0 sends every story in a request of its own
     * @param maxOutstanding requests awaiting an answer at most, at least 1
     */
    OpenStoryLoad(Vertx vertx, HttpClient http, long batchMillis, int maxOutstanding) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.http = Objects.requireNonNull(http, "http");
        if (batchMillis < 0) {
            throw new IllegalArgumentException("batchMillis must be at least 0, was " + batchMillis);
        }
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("maxOutstanding must be at least 1, was " + maxOutstanding);
        }
        this.batchMillis = batchMillis;
        this.maxOutstanding = maxOutstanding;
    }

    /**
     * Sends stories of random authors until {@code keepGoing} says stop or {@code maxSeconds} pass.
     *
     * @param storyPrefix prefix of the story ids, unique per run
     * @param authors     the authors to pick from
     * @param rate        stories per second, at least 1
     * @return once every request sent was answered: the stories accepted (202, or 200 for a batch), how many
     *         were refused and how many were not sent
     */
    Sent run(String storyPrefix, List<String> authors, double rate, double maxSeconds,
             BooleanSupplier keepGoing) throws Exception {
        List<SentStory> sent = new ArrayList<>();
        List<SentStory> accepted = new ArrayList<>();
        long[] refused = {0};
        long[] unsent = {0};
        Promise<Void> finished = Promise.promise();
        long baseNanos = System.nanoTime();
        double baseEpochMillis = System.currentTimeMillis();
        int[] outstanding = {0};
        boolean[] stopped = {false};
        List<SentStory> window = new ArrayList<>();
        long[] windowEndNanos = {baseNanos + TimeUnit.MILLISECONDS.toNanos(batchMillis)};
        long timer = vertx.setPeriodic(1, tick -> {
            long now = System.nanoTime();
            double elapsedSeconds = (now - baseNanos) / 1e9;
            boolean timeUp = elapsedSeconds >= maxSeconds;
            boolean stop = timeUp || !keepGoing.getAsBoolean();
            // Every story due before the end counts, also those a late tick (a busy event loop) finds overdue.
            long due = timeUp ? (long) Math.ceil(maxSeconds * rate) : (long) (elapsedSeconds * rate) + 1;
            while (sent.size() < due) {
                double intendedNanos = sent.size() / rate * 1e9;
                SentStory story = new SentStory(storyPrefix + "-" + sent.size(),
                        authors.get(ThreadLocalRandom.current().nextInt(authors.size())),
                        baseEpochMillis + intendedNanos / 1e6);
                sent.add(story);
                window.add(story);
            }
            if (batchMillis == 0 || now >= windowEndNanos[0] || stop) {
                windowEndNanos[0] = now + TimeUnit.MILLISECONDS.toNanos(batchMillis);
                for (List<SentStory> stories : requests(window)) {
                    if (outstanding[0] >= maxOutstanding) {
                        unsent[0] += stories.size();
                        continue;
                    }
                    outstanding[0]++;
                    send(stories).onComplete(answer -> {
                        outstanding[0]--;
                        int acceptedStatus = batchMillis == 0 ? 202 : 200;
                        if (answer.succeeded() && answer.result() == acceptedStatus) {
                            accepted.addAll(stories);
                        } else {
                            refused[0] += stories.size();
                        }
                        if (stopped[0] && outstanding[0] == 0) {
                            finished.tryComplete();
                        }
                    });
                }
                window.clear();
            }
            if (stop && !stopped[0]) {
                stopped[0] = true;
                vertx.cancelTimer(tick);
                if (outstanding[0] == 0) {
                    finished.tryComplete();
                }
            }
        });
        try {
            finished.future().await((long) maxSeconds + 60, TimeUnit.SECONDS);
        } finally {
            vertx.cancelTimer(timer);
        }
        if (refused[0] > 0) {
            System.out.printf("  %s: %,d of %,d stories refused (not in the latencies)%n", storyPrefix, refused[0], sent.size());
        }
        if (unsent[0] > 0) {
            System.out.printf("  %s: %,d of %,d stories not sent, %,d requests being unanswered when they fell due: past "
                    + "saturation (not in the latencies)%n", storyPrefix, unsent[0], sent.size(), maxOutstanding);
        }
        return new Sent(accepted, refused[0], unsent[0]);
    }

    /** The requests that send a window's stories: one per story, or one NDJSON request for all of them. */
    private List<List<SentStory>> requests(List<SentStory> window) {
        if (window.isEmpty()) {
            return List.of();
        }
        if (batchMillis > 0) {
            return List.of(List.copyOf(window));
        }
        return window.stream().map(List::of).toList();
    }

    private Future<Integer> send(List<SentStory> stories) {
        List<String> events = stories.stream().map(story -> BenchEvents.event(story.storyId(), story.authorId())).toList();
        return batchMillis > 0 ? BenchEvents.postBatch(http, events) : BenchEvents.post(http, events.get(0));
    }
}
