package io.storycast.gateway.ingest;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.StoryEvent;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Makes events durable: appends them to their partition's Redis Stream at most once per
 * {@code (platform, storyId)}, with one atomic script call per partition touched (a batch of a thousand
 * events over 16 partitions costs 16 calls, pipelined on one connection). The script and its key layout
 * are described in {@code append-stories.lua}.
 *
 * <p>A call that fails or takes longer than the command timeout fails only its own partition's events;
 * their outcome is then unknown to the caller, who retries safely: a retry of an event that did land is
 * answered as a duplicate.
 */
public final class StoryStreamAppender {
    private static final String SCRIPT = loadScript();
    private static final String SCRIPT_SHA1 = sha1Hex(SCRIPT);

    private final Redis redis;
    private final RedisKeys keys;
    private final StoryEventEncoder encoder = new StoryEventEncoder();
    private final long commandTimeoutMillis;

    /**
     * @param redis                the client (pipelined; its bounded pending queue fails fast when full)
     * @param keys                 the key layout
     * @param commandTimeoutMillis longest wait for one partition's answer, milliseconds, at least 1
     */
    public StoryStreamAppender(Redis redis, RedisKeys keys, long commandTimeoutMillis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        if (commandTimeoutMillis < 1) {
            throw new IllegalArgumentException("commandTimeoutMillis must be at least 1, was " + commandTimeoutMillis);
        }
        this.commandTimeoutMillis = commandTimeoutMillis;
    }

    /**
     * @param producer the producer's name, stored with each entry
     * @param events   events to append, in the order they arrived
     * @return one outcome per event, in the same order; never a failed future (failures are per outcome)
     */
    public Future<List<AppendOutcome>> append(String producer, List<StoryEvent> events) {
        int partitions = keys.partitions();
        List<List<Integer>> indexesByPartition = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            indexesByPartition.add(null);
        }
        for (int i = 0; i < events.size(); i++) {
            int partition = keys.partitionOf(events.get(i).authorId());
            List<Integer> indexes = indexesByPartition.get(partition);
            if (indexes == null) {
                indexes = new ArrayList<>();
                indexesByPartition.set(partition, indexes);
            }
            indexes.add(i);
        }
        AppendOutcome[] outcomes = new AppendOutcome[events.size()];
        List<Future<Void>> calls = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            List<Integer> indexes = indexesByPartition.get(partition);
            if (indexes != null) {
                calls.add(appendToPartition(partition, producer, events, indexes, outcomes));
            }
        }
        return Future.join(calls).transform(ignored -> Future.succeededFuture(List.of(outcomes)));
    }

    private Future<Void> appendToPartition(int partition, String producer, List<StoryEvent> events,
                                           List<Integer> indexes, AppendOutcome[] outcomes) {
        return evalAppend(Command.EVALSHA, SCRIPT_SHA1, partition, producer, events, indexes)
                .recover(failure -> isMissingScript(failure)
                        ? evalAppend(Command.EVAL, SCRIPT, partition, producer, events, indexes)
                        : Future.failedFuture(failure))
                .timeout(commandTimeoutMillis, TimeUnit.MILLISECONDS)
                .transform(result -> {
                    for (int k = 0; k < indexes.size(); k++) {
                        int index = indexes.get(k);
                        if (result.succeeded()) {
                            Response pair = result.result().get(k);
                            outcomes[index] = AppendOutcome.stored(pair.get(0).toInteger() == 1, pair.get(1).toString(), partition);
                        } else {
                            outcomes[index] = AppendOutcome.failed(partition, result.cause());
                        }
                    }
                    return Future.succeededFuture();
                });
    }

    private Future<Response> evalAppend(Command command, String script, int partition, String producer,
                                        List<StoryEvent> events, List<Integer> indexes) {
        Request request = Request.cmd(command).arg(script).arg(indexes.size() + 1).arg(keys.storyStream(partition));
        for (int index : indexes) {
            StoryEvent event = events.get(index);
            request.arg(keys.seenStory(partition, event.platform(), event.storyId()));
        }
        request.arg(producer);
        for (int index : indexes) {
            StoryEvent event = events.get(index);
            request.arg(event.expiresAtMillis()).arg(encoder.encode(event));
        }
        return redis.send(request);
    }

    private static boolean isMissingScript(Throwable failure) {
        String message = failure.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }

    private static String loadScript() {
        try (InputStream in = StoryStreamAppender.class.getResourceAsStream("append-stories.lua")) {
            if (in == null) {
                throw new IllegalStateException("append-stories.lua is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
