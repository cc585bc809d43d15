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

/**
 * The call of {@code append-stories.lua} for events of one partition and one producer: builds its keys
 * and arguments, sends it by SHA-1 (falling back to the full script after a Redis restart emptied the
 * script cache) and reads one {@link AppendOutcome} per event. The script's header documents the
 * protocol and the stream entry format.
 */
final class AppendScript {
    private static final String SCRIPT = loadScript();
    private static final String SCRIPT_SHA1 = sha1Hex(SCRIPT);

    private final RedisKeys keys;
    private final StoryEventEncoder encoder = new StoryEventEncoder();

    AppendScript(RedisKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** @return one outcome per event, in order; fails when the call fails */
    Future<List<AppendOutcome>> call(Redis redis, int partition, String producer, List<StoryEvent> events) {
        return redis.send(request(Command.EVALSHA, SCRIPT_SHA1, partition, producer, events))
                .recover(failure -> isMissingScript(failure)
                        ? redis.send(request(Command.EVAL, SCRIPT, partition, producer, events))
                        : Future.failedFuture(failure))
                .map(results -> {
                    List<AppendOutcome> outcomes = new ArrayList<>(events.size());
                    for (int k = 0; k < events.size(); k++) {
                        outcomes.add(outcomeOf(results.get(k)));
                    }
                    return outcomes;
                });
    }

    private Request request(Command command, String script, int partition, String producer, List<StoryEvent> events) {
        // Buckets in order of first use; an event names its bucket by number (1-based, as in KEYS).
        List<Long> buckets = new ArrayList<>(2);
        int[] bucketOfEvent = new int[events.size()];
        for (int k = 0; k < events.size(); k++) {
            long bucket = RedisKeys.seenBucketOf(events.get(k).expiresAtMillis());
            int position = buckets.indexOf(bucket);
            if (position < 0) {
                buckets.add(bucket);
                position = buckets.size() - 1;
            }
            bucketOfEvent[k] = position + 1;
        }
        Request request = Request.cmd(command).arg(script).arg(buckets.size() + 1).arg(keys.storyStream(partition));
        for (long bucket : buckets) {
            request.arg(keys.seenBucket(partition, bucket));
        }
        request.arg(producer);
        for (long bucket : buckets) {
            request.arg(RedisKeys.seenBucketExpiresAtMillis(bucket));
        }
        for (int k = 0; k < events.size(); k++) {
            StoryEvent event = events.get(k);
            request.arg(bucketOfEvent[k])
                    .arg(RedisKeys.seenField(event.platform(), event.storyId()))
                    .arg(encoder.encode(event));
        }
        return request;
    }

    /** Reads one result: {1, entryId, index} for an append, {0, "entryId#index"} for a duplicate. */
    private static AppendOutcome outcomeOf(Response result) {
        if (result.get(0).toInteger() == 1) {
            return AppendOutcome.stored(true, result.get(1).toString(), result.get(2).toInteger());
        }
        String firstCopy = result.get(1).toString();
        int hash = firstCopy.lastIndexOf('#');
        return AppendOutcome.stored(false, firstCopy.substring(0, hash), Integer.parseInt(firstCopy.substring(hash + 1)));
    }

    private static boolean isMissingScript(Throwable failure) {
        String message = failure.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }

    private static String loadScript() {
        try (InputStream in = AppendScript.class.getResourceAsStream("append-stories.lua")) {
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
