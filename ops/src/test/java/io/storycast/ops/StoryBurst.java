package io.storycast.ops;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A burst of stories as NDJSON batches of {@value #BATCH}, one batch due every {@value #INTERVAL_MILLIS} ms
 * (sent when due, answered or not, by up to {@value #SENDERS} at once), so it lasts long enough for a gateway to
 * be killed in the middle of it. It records which stories were acknowledged: a line answered "accepted" or
 * "duplicate" is durable (in a 200, or in the per-line results of a 503). It behaves as the README asks of a
 * producer: a request whose connection closed without an answer is sent again (up to {@value #ATTEMPTS} times in
 * all), since ingest is idempotent. HAProxy closes a client's keep-alive connection without an answer when the
 * gateway it was paired with dies under a POST, so that the client, not the proxy, decides to retry. A request
 * that still fails acknowledges nothing: whatever of it did land is allowed in trays, not required.
 */
final class StoryBurst {
    static final int BATCH = 10;
    private static final long INTERVAL_MILLIS = 25;
    private static final int SENDERS = 4;
    private static final int ATTEMPTS = 3;

    /** The stories acknowledged, the requests sent again after a closed connection, and the failures by cause. */
    record Outcome(Set<Integer> acknowledged, int resent, int failedRequests, Map<String, Integer> failures) {
    }

    private final HttpClient http;
    private final URI uri;
    private final String key;
    private final ScaleOutPlan plan;
    private final int stories;
    private final ScheduledExecutorService senders = Executors.newScheduledThreadPool(SENDERS);
    private final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger resent = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();

    private StoryBurst(HttpClient http, URI uri, String key, ScaleOutPlan plan, int stories) {
        this.http = http;
        this.uri = uri;
        this.key = key;
        this.plan = plan;
        this.stories = stories;
    }

    /** Schedules every batch of stories 0 to {@code stories - 1}, posted to {@code uri} with the producer key. */
    static StoryBurst start(HttpClient http, URI uri, String key, ScaleOutPlan plan, int stories) {
        StoryBurst burst = new StoryBurst(http, uri, key, plan, stories);
        for (int batch = 0; batch < burst.batches(); batch++) {
            int first = batch * BATCH;
            burst.senders.schedule(() -> burst.send(first), batch * INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
        return burst;
    }

    int batches() {
        return (stories + BATCH - 1) / BATCH;
    }

    /** @return batches sent so far */
    int sentBatches() {
        return sent.get();
    }

    /** @return whether every batch has been answered (or has failed) */
    boolean done() {
        return finished.get() == batches();
    }

    Outcome await(Duration timeout) throws InterruptedException {
        senders.shutdown();
        if (!senders.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            senders.shutdownNow();
            throw new AssertionError("the burst did not end within " + timeout);
        }
        return new Outcome(Set.copyOf(acknowledged), resent.get(),
                failures.values().stream().mapToInt(Integer::intValue).sum(), new TreeMap<>(failures));
    }

    /** @return the answer, after sending again when the connection closed without one (up to {@value #ATTEMPTS} attempts) */
    private HttpResponse<String> post(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException closed) {
                if (attempt == ATTEMPTS) {
                    throw closed;
                }
                resent.incrementAndGet();
            }
        }
    }

    private void send(int first) {
        sent.incrementAndGet();
        StringBuilder body = new StringBuilder();
        int last = Math.min(stories, first + BATCH);
        for (int n = first; n < last; n++) {
            body.append(plan.story(n).encode()).append('\n');
        }
        try {
            HttpResponse<String> response = post(body.toString());
            if (response.statusCode() != 200) {
                failures.merge("HTTP " + response.statusCode(), 1, Integer::sum);
            }
            // A batch answered 503 still says per line which events are durable.
            boolean perLine = (response.statusCode() == 200 || response.statusCode() == 503)
                    && response.body().startsWith("{") && new JsonObject(response.body()).containsKey("results");
            if (!perLine) {
                return;
            }
            JsonArray results = new JsonObject(response.body()).getJsonArray("results");
            for (int line = 0; line < results.size(); line++) {
                String status = results.getJsonObject(line).getString("status");
                if (status.equals("accepted") || status.equals("duplicate")) {
                    acknowledged.add(first + line);
                }
            }
        } catch (Exception e) {
            failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
        } finally {
            finished.incrementAndGet();
        }
    }
}
