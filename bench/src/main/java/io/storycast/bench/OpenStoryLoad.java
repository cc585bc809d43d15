package io.storycast.bench;

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
 * Posts single-story events at a steady rate, open model: story {@code i} is due at
 * {@code start + i / rate}, and is sent when due whether or not earlier ones were answered, so a slow
 * gateway shows as latency instead of slowing the load (no coordinated omission). Each story's latency
 * is later taken from its intended send time, never from when it was actually sent.
 */
final class OpenStoryLoad {
    /** A story sent: its ids, and when it was due, epoch ms with a fraction (from the monotonic clock). */
    record SentStory(String storyId, String authorId, double intendedEpochMillis) {
    }

    private final Vertx vertx;
    private final HttpClient http;

    OpenStoryLoad(Vertx vertx, HttpClient http) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.http = Objects.requireNonNull(http, "http");
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
        long timer = vertx.setPeriodic(1, tick -> {
            long elapsedNanos = System.nanoTime() - baseNanos;
            boolean stop = elapsedNanos / 1e9 >= maxSeconds || !keepGoing.getAsBoolean();
            long due = stop ? sent.size() : (long) (elapsedNanos / 1e9 * rate) + 1;
            while (sent.size() < due) {
                double intendedNanos = sent.size() / rate * 1e9;
                SentStory story = new SentStory(storyPrefix + "-" + sent.size(),
                        authors.get(ThreadLocalRandom.current().nextInt(authors.size())),
                        baseEpochMillis + intendedNanos / 1e6);
                sent.add(story);
                outstanding[0]++;
                BenchEvents.post(http, BenchEvents.event(story.storyId(), story.authorId())).onComplete(answer -> {
                    outstanding[0]--;
                    if (answer.failed() || answer.result() != 202) {
                        finished.tryFail(answer.failed() ? answer.cause().toString() : "answered " + answer.result());
                    } else if (stopped[0] && outstanding[0] == 0) {
                        finished.tryComplete();
                    }
                });
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
}
