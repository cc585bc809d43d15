package io.storycast.gateway.trays;

import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads, for one page of a subscriber's tray, the outboxes the tray is linked to (the pull half of the
 * hybrid fan-out, {@link OutboxLinks}): one call of {@code outbox-page.lua} per link, all pipelined,
 * each checking in the audience's slot that the subscriber is still a member and has not muted the
 * author. A link whose subscriber left the audience is dropped on the way.
 */
final class OutboxReader {
    private static final LuaScript PAGE = LuaScript.load(OutboxReader.class, "outbox-page.lua");

    private final Redis redis;
    private final RedisKeys keys;

    OutboxReader(Redis redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * Adds to {@code candidates} up to {@code count} stories of each linked outbox that come after
     * {@code after}, and notes in {@code outboxOf} which outbox each came from (so a dead one can be removed).
     *
     * @param links    the members of the tray's link set
     * @param after    where the previous page ended, or {@code null}
     * @param minScore the oldest createdAt worth returning, epoch ms
     */
    Future<Void> addCandidates(Map<String, TrayCursor> candidates, Map<String, String> outboxOf, Platform platform,
                               String subscriberId, List<String> links, TrayCursor after, int count, long minScore) {
        List<Future<Response>> pages = new ArrayList<>(links.size());
        List<String> outboxes = new ArrayList<>(links.size());
        for (String member : links) {
            OutboxLinks.Link link = OutboxLinks.parse(member);
            if (link == null) {
                pages.add(Future.succeededFuture());
                outboxes.add(null);
                continue;
            }
            String outbox = keys.outbox(platform, link.authorId(), link.list());
            outboxes.add(outbox);
            pages.add(PAGE.call(redis, request -> request.arg(3)
                    .arg(keys.audience(platform, link.authorId(), link.list()))
                    .arg(keys.mutedBy(platform, link.authorId()))
                    .arg(outbox)
                    .arg(subscriberId)
                    .arg(after == null ? "" : Long.toString(after.score()))
                    .arg(after == null ? "" : after.member())
                    .arg(count)
                    .arg(minScore)));
        }
        return Future.all(pages).map(all -> {
            Request unlink = Request.cmd(Command.SREM).arg(keys.outboxLinks(platform, subscriberId));
            List<String> gone = new ArrayList<>();
            for (int i = 0; i < links.size(); i++) {
                Response page = all.resultAt(i);
                if (page == null || page.get(0).toInteger() == 0) {
                    unlink.arg(links.get(i));
                    gone.add(links.get(i));
                    continue;
                }
                for (int j = 1; j + 1 < page.size(); j += 2) {
                    String story = page.get(j).toString();
                    long score = (long) Double.parseDouble(page.get(j + 1).toString());
                    if (after != null && score == after.score() && story.compareTo(after.member()) >= 0) {
                        continue; // at or before the cursor, in the order sorted sets use
                    }
                    candidates.putIfAbsent(story, new TrayCursor(score, story));
                    outboxOf.putIfAbsent(story, outboxes.get(i));
                }
            }
            if (!gone.isEmpty()) {
                // Best effort: the next read tries again. Then repair a race with a re-add in between.
                redis.send(unlink).onSuccess(done -> relinkMembers(platform, subscriberId, gone));
            }
            return null;
        });
    }

    /**
     * Links again the outboxes of {@code unlinked} whose audience has the subscriber after all: a re-add may
     * have linked it between the membership check and the unlink. The audience API links after it adds, so
     * a check made after the unlink sees every add whose link the unlink may have removed.
     */
    private void relinkMembers(Platform platform, String subscriberId, List<String> unlinked) {
        List<Request> checks = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String link : unlinked) {
            OutboxLinks.Link parsed = OutboxLinks.parse(link);
            if (parsed != null) {
                removed.add(link);
                checks.add(Request.cmd(Command.ZSCORE).arg(keys.audience(platform, parsed.authorId(), parsed.list()))
                        .arg(subscriberId));
            }
        }
        List<Future<Response>> scores = new ArrayList<>(checks.size());
        checks.forEach(check -> scores.add(redis.send(check)));
        Future.all(scores).onSuccess(all -> {
            for (int i = 0; i < removed.size(); i++) {
                if (all.resultAt(i) != null) {
                    redis.send(Request.cmd(Command.SADD).arg(keys.outboxLinks(platform, subscriberId)).arg(removed.get(i)));
                }
            }
        });
    }
}
