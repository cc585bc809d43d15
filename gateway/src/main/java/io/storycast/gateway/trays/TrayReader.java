package io.storycast.gateway.trays;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoreUnavailableException;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Reads a page of a subscriber's tray, newest first, in two round trips: the tray's page (trimmed first:
 * past the cap, and older than any story can live) with the tray's outbox links, then each story's record.
 * A tray linked to the outboxes of large audiences (the hybrid fan-out, {@link OutboxLinks}) takes one
 * more round trip between the two, which reads a page of each linked outbox; the page is the newest of
 * the tray's and the outboxes' stories together, so a subscriber sees the same tray whichever way the
 * stories came. A story whose record is
 * gone (expired), retracted or past its {@code expiresAt} is never returned and is removed from the tray
 * on the way. A page may therefore hold fewer than {@code limit} stories while {@code next} is not null.
 */
public final class TrayReader {
    private final Redis redis;
    private final RedisKeys keys;
    private final int maxStories;
    private final long maxStoryAgeMillis;
    private final LongSupplier clockMillis;
    private final OutboxReader outboxes;

    /** A page: the live stories, newest first, and the cursor of the next page ({@code null} on the last). */
    public record Page(List<StoryRecord> stories, TrayCursor next) {
    }

    /**
     * @param maxStories        a tray's cap
     * @param maxStoryAgeMillis the oldest a story can be and still live: the longest lifetime plus the clock skew
     * @param clockMillis       now, epoch ms
     */
    public TrayReader(Redis redis, RedisKeys keys, int maxStories, long maxStoryAgeMillis, LongSupplier clockMillis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.maxStories = maxStories;
        this.maxStoryAgeMillis = maxStoryAgeMillis;
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
        this.outboxes = new OutboxReader(redis, keys);
    }

    /**
     * @param limit  most stories, at least 1
     * @param after  where the previous page ended, or {@code null} for the newest stories
     */
    public Future<Page> page(Platform platform, String subscriberId, int limit, TrayCursor after) {
        String tray = keys.tray(platform, subscriberId);
        long now = clockMillis.getAsLong();
        long minScore = now - maxStoryAgeMillis;
        List<Request> batch = new ArrayList<>(5);
        batch.add(Request.cmd(Command.ZREMRANGEBYSCORE).arg(tray).arg("-inf").arg("(" + minScore));
        batch.add(Request.cmd(Command.ZREMRANGEBYRANK).arg(tray).arg(0).arg(-maxStories - 1));
        batch.add(Request.cmd(Command.SMEMBERS).arg(keys.outboxLinks(platform, subscriberId)));
        if (after != null) {
            batch.add(Request.cmd(Command.ZRANGE).arg(tray).arg(after.score()).arg(after.score()).arg("BYSCORE").arg("REV"));
        }
        batch.add(Request.cmd(Command.ZRANGE).arg(tray).arg(after == null ? "+inf" : "(" + after.score()).arg("-inf")
                .arg("BYSCORE").arg("REV").arg("LIMIT").arg(0).arg(limit + 1).arg("WITHSCORES"));
        // Candidates by member: a story both pushed and in an outbox (its route changed on a redelivery) shows once.
        Map<String, TrayCursor> candidates = new HashMap<>();
        Map<String, String> outboxOf = new HashMap<>();
        return StoreUnavailableException.onFailure(redis.batch(batch).compose(replies -> {
            if (after != null) {
                // Stories with the cursor's time come in descending member order; those after it sort lower.
                for (Response member : replies.get(3)) {
                    if (member.toString().compareTo(after.member()) < 0) {
                        candidates.put(member.toString(), new TrayCursor(after.score(), member.toString()));
                    }
                }
            }
            addScored(candidates, replies.get(replies.size() - 1));
            List<String> links = strings(replies.get(2));
            return links.isEmpty() ? Future.succeededFuture()
                    : outboxes.addCandidates(candidates, outboxOf, platform, subscriberId, links, after, limit + 1, minScore);
        })).compose(merged -> {
            List<TrayCursor> newestFirst = new ArrayList<>(candidates.values());
            newestFirst.sort(NEWEST_FIRST);
            boolean more = newestFirst.size() > limit;
            List<TrayCursor> page = more ? newestFirst.subList(0, limit) : newestFirst;
            return records(platform, tray, outboxOf, page, now)
                    .map(stories -> new Page(stories, more ? page.get(page.size() - 1) : null));
        });
    }

    /** Tray order: newest first, and among stories of one time the greater member first (as ZRANGE REV). */
    private static final Comparator<TrayCursor> NEWEST_FIRST =
            Comparator.comparingLong(TrayCursor::score).thenComparing(TrayCursor::member).reversed();

    /** ZRANGE WITHSCORES answers pairs under RESP3 and a flat member, score list under RESP2. */
    private static void addScored(Map<String, TrayCursor> into, Response reply) {
        if (reply.size() > 0 && reply.get(0).isArray()) {
            for (Response pair : reply) {
                into.put(pair.get(0).toString(), new TrayCursor(pair.get(1).toLong(), pair.get(0).toString()));
            }
            return;
        }
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            into.put(reply.get(i).toString(), new TrayCursor(Long.parseLong(reply.get(i + 1).toString()), reply.get(i).toString()));
        }
    }

    private Future<List<StoryRecord>> records(Platform platform, String tray, Map<String, String> outboxOf,
                                              List<TrayCursor> page, long now) {
        List<Future<Response>> reads = new ArrayList<>(page.size());
        List<Platform> sources = new ArrayList<>(page.size());
        List<String> storyIds = new ArrayList<>(page.size());
        for (TrayCursor entry : page) {
            String member = entry.member();
            int colon = member.indexOf(':');
            Platform source = colon < 0 ? null : Platform.fromWireName(member.substring(0, colon));
            sources.add(source);
            storyIds.add(colon < 0 ? member : member.substring(colon + 1));
            if (source == null) {
                reads.add(Future.succeededFuture()); // not a member the fan-out writes: stale
                continue;
            }
            Request read = Request.cmd(Command.HMGET).arg(keys.story(source, storyIds.get(storyIds.size() - 1)));
            StoryRecord.TRAY_FIELDS.forEach(read::arg);
            // One command per story: stories live in slots of their own, so they cannot share a batch on a cluster.
            reads.add(redis.send(read));
        }
        return StoreUnavailableException.onFailure(Future.all(reads)).map(all -> {
            List<StoryRecord> stories = new ArrayList<>(page.size());
            Request stale = Request.cmd(Command.ZREM).arg(tray);
            boolean anyStale = false;
            for (int i = 0; i < page.size(); i++) {
                Response fields = all.resultAt(i);
                StoryRecord record = fields == null ? null
                        : StoryRecord.fromTrayFields(sources.get(i), storyIds.get(i), values(fields), now);
                if (record == null) {
                    stale.arg(page.get(i).member());
                    anyStale = true;
                } else {
                    stories.add(record);
                }
            }
            if (anyStale) {
                redis.send(stale); // best effort: a later read removes them if this fails
            }
            removeFromOutboxes(outboxOf, stories, page);
            return stories;
        });
    }

    /** Removes dead stories from the outboxes they were read from (best effort, as for the tray). */
    private void removeFromOutboxes(Map<String, String> outboxOf, List<StoryRecord> live, List<TrayCursor> page) {
        if (outboxOf.isEmpty() || live.size() == page.size()) {
            return;
        }
        Set<String> liveMembers = new HashSet<>();
        live.forEach(story -> liveMembers.add(RedisKeys.trayMember(story.source(), story.storyId())));
        for (TrayCursor entry : page) {
            String outbox = outboxOf.get(entry.member());
            if (outbox != null && !liveMembers.contains(entry.member())) {
                redis.send(Request.cmd(Command.ZREM).arg(outbox).arg(entry.member()));
            }
        }
    }

    private static List<String> strings(Response reply) {
        List<String> values = new ArrayList<>(reply.size());
        for (Response value : reply) {
            values.add(value.toString());
        }
        return values;
    }

    private static List<String> values(Response reply) {
        List<String> values = new ArrayList<>(reply.size());
        for (Response value : reply) {
            values.add(value == null ? null : value.toString());
        }
        return values;
    }
}
