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
import java.util.function.Supplier;

/**
 * Posts story events at a steady rate, open model: story {@code i} is due at {@code start + i / rate}, and
 * is sent when due whether or not earlier ones were answered, so a slow gateway shows as latency instead
 * of slowing the load (no coordinated omission). Each story's latency is later taken from its intended
 * send time, never from when it was actually sent. With {@code batchMillis} above 0 it behaves like a
 * producer that batches: the stories that fell due within each window of that many milliseconds go in
 * one NDJSON request at the window's end, so the wait for the window counts in their latency.
 */
final class OpenStoryLoad {
    /** A story sent: its ids, and when it was due, epoch ms with a fraction (from the monotonic clock). */
    record SentStory(String storyId, String authorId, double intendedEpochMillis) {
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final long batchMillis;

    OpenStoryLoad(Vertx vertx, HttpClient http) {
        this(vertx, http, 0);
    }

    /** @param batchMillis window of a batch, milliseconds; 0 sends every story in a request of its own */
    OpenStoryLoad(Vertx vertx, HttpClient http, long batchMillis) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.http = Objects.requireNonNull(http, "http");
        this.batchMillis = batchMillis;
    }

    /**
     * Sends stories of random authors until {@code keepGoing} says stop or {@code maxSeconds} pass.
     *
     * @param storyPrefix prefix of the story ids, unique per run
     * @param authors     the authors to pick from
     * @param rate        stories per second, at least 1
     * @return every story sent, once each was accepted (202); fails on any other answer
     */
    List<SentStory> run(String storyPrefix, List<String> authors, double rate, double maxSeconds,
                        BooleanSupplier keepGoing) throws Exception {
        List<SentStory> sent = new ArrayList<>();
        Promise<Void> finished = Promise.promise();
        long baseNanos = System.nanoTime();
        double baseEpochMillis = System.currentTimeMillis();
        int[] outstanding = {0};
        boolean[] stopped = {false};
        List<String> window = new ArrayList<>();
        long[] windowEndNanos = {baseNanos + TimeUnit.MILLISECONDS.toNanos(batchMillis)};
        long timer = vertx.setPeriodic(1, tick -> {
            long now = System.nanoTime();
            long elapsedNanos = now - baseNanos;
            boolean stop = elapsedNanos / 1e9 >= maxSeconds || !keepGoing.getAsBoolean();
            long due = stop ? sent.size() : (long) (elapsedNanos / 1e9 * rate) + 1;
            while (sent.size() < due) {
                double intendedNanos = sent.size() / rate * 1e9;
                SentStory story = new SentStory(storyPrefix + "-" + sent.size(),
                        authors.get(ThreadLocalRandom.current().nextInt(authors.size())),
                        baseEpochMillis + intendedNanos / 1e6);
                sent.add(story);
                window.add(BenchEvents.event(story.storyId(), story.authorId()));
            }
            if (batchMillis == 0 || now >= windowEndNanos[0] || stop) {
                windowEndNanos[0] = now + TimeUnit.MILLISECONDS.toNanos(batchMillis);
                for (var request : requests(window)) {
                    outstanding[0]++;
                    request.get().onComplete(answer -> {
                        outstanding[0]--;
                        int accepted = batchMillis == 0 ? 202 : 200;
                        if (answer.failed() || answer.result() != accepted) {
                            finished.tryFail(answer.failed() ? answer.cause().toString() : "answered " + answer.result());
                        } else if (stopped[0] && outstanding[0] == 0) {
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
        return sent;
    }

    /** The requests that send a window's events: one per event, or one NDJSON request for all of them. */
    private List<Supplier<Future<Integer>>> requests(List<String> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        if (batchMillis > 0) {
            List<String> batch = List.copyOf(events);
            return List.of(() -> BenchEvents.postBatch(http, batch));
        }
        return events.stream().<Supplier<Future<Integer>>>map(
                event -> () -> BenchEvents.post(http, event)).toList();
    }
}
