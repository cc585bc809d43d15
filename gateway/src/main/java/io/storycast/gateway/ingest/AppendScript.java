package io.storycast.gateway.ingest;

import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.StoryEvent;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The call of {@code append-stories.lua} for events of one partition and one producer: builds its keys
 * and arguments, sends it by SHA-1 (falling back to the full script after a Redis restart emptied the
 * script cache) and reads one {@link AppendOutcome} per event. The script's header documents the
 * protocol and the stream entry format.
 */
final class AppendScript {
    private static final LuaScript SCRIPT = LuaScript.load(AppendScript.class, "append-stories.lua");

    private final RedisKeys keys;
    private final StoryEventEncoder encoder = new StoryEventEncoder();

    AppendScript(RedisKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** @return one outcome per event, in order; fails when the call fails */
    Future<List<AppendOutcome>> call(Redis redis, int partition, String producer, List<StoryEvent> events) {
        Plan plan = new Plan(events);
        return SCRIPT.call(redis, request -> keysAndArgs(request, partition, producer, plan)).map(plan::outcomes);
    }

    private void keysAndArgs(Request request, int partition, String producer, Plan plan) {
        request.arg(plan.buckets.size() + 1).arg(keys.storyStream(partition));
        for (Bucket bucket : plan.buckets) {
            request.arg(keys.seenBucket(partition, bucket.number));
        }
        request.arg(producer);
        for (Bucket bucket : plan.buckets) {
            request.arg(RedisKeys.seenBucketExpiresAtMillis(bucket.number)).arg(bucket.firstByField.size());
            bucket.firstByField.keySet().forEach(request::arg);
        }
        List<StoryEvent> sent = new ArrayList<>(plan.sent.length);
        for (int k : plan.sent) {
            sent.add(plan.events.get(k));
        }
        int[] lengths = new int[sent.size()];
        byte[] joined = encoder.encodeLines(sent, lengths);
        StringBuilder lengthList = new StringBuilder(lengths.length * 4);
        for (int length : lengths) {
            if (lengthList.length() > 0) {
                lengthList.append(',');
            }
            lengthList.append(length);
        }
        request.arg(joined).arg(lengthList.toString());
    }

    /**
     * A bucket's number and the events whose markers it holds: each marker field with the index (into the
     * call's list) of its first copy, in the order sent.
     */
    private record Bucket(long number, Map<String, Integer> firstByField) {
    }

    /**
     * The events of one call in the order the script receives them: grouped by bucket, each
     * (platform, storyId) of a bucket once; a later copy within the call is answered from its first copy.
     */
    private static final class Plan {
        private final List<StoryEvent> events;
        private final List<Bucket> buckets = new ArrayList<>(2);
        /** The events sent, as indexes into {@link #events}, in the script's order. */
        private final int[] sent;
        /** Per event, the index of its first copy in the call (itself when it is the first). */
        private final int[] firstCopy;

        Plan(List<StoryEvent> events) {
            this.events = events;
            this.firstCopy = new int[events.size()];
            int distinct = 0;
            for (int k = 0; k < events.size(); k++) {
                StoryEvent event = events.get(k);
                Integer first = bucket(RedisKeys.seenBucketOf(event.expiresAtMillis())).firstByField
                        .putIfAbsent(RedisKeys.seenField(event.platform(), event.storyId()), k);
                firstCopy[k] = first == null ? k : first;
                if (first == null) {
                    distinct++;
                }
            }
            this.sent = new int[distinct];
            int position = 0;
            for (Bucket bucket : buckets) {
                for (int k : bucket.firstByField.values()) {
                    sent[position++] = k;
                }
            }
        }

        private Bucket bucket(long number) {
            for (Bucket bucket : buckets) {
                if (bucket.number == number) {
                    return bucket;
                }
            }
            Bucket bucket = new Bucket(number, new LinkedHashMap<>(2 * events.size()));
            buckets.add(bucket);
            return bucket;
        }

        /** Reads the script's answer: {entryId or nil, then position and first copy's marker per duplicate}. */
        List<AppendOutcome> outcomes(Response answer) {
            AppendOutcome[] byEvent = new AppendOutcome[events.size()];
            for (int i = 1; i < answer.size(); i += 2) {
                String marker = answer.get(i + 1).toString();
                int hash = marker.lastIndexOf('#');
                byEvent[sent[answer.get(i).toInteger() - 1]] = AppendOutcome.stored(false,
                        marker.substring(0, hash), Integer.parseInt(marker.substring(hash + 1)));
            }
            Response entry = answer.get(0);
            int index = 0;
            for (int k : sent) {
                if (byEvent[k] == null) {
                    byEvent[k] = AppendOutcome.stored(true, entry.toString(), index++);
                }
            }
            for (int k = 0; k < byEvent.length; k++) {
                if (firstCopy[k] != k) {
                    AppendOutcome first = byEvent[firstCopy[k]];
                    byEvent[k] = AppendOutcome.stored(false, first.entryId(), first.entryIndex());
                }
            }
            return List.of(byEvent);
        }
    }
}
