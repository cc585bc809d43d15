package io.storycast.gateway.fanout;

import io.storycast.gateway.audience.CrossShare;
import io.storycast.gateway.audience.CrossShareStore;
import io.storycast.gateway.live.LiveFeed;
import io.storycast.gateway.metrics.GatewayCounters;
import io.storycast.gateway.metrics.ProcessMetrics;
import io.storycast.gateway.metrics.StageLatencies;
import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.storycast.gateway.trays.StoryRecord;
import io.storycast.gateway.trays.OutboxLinks;
import io.storycast.gateway.trays.StoryRecords;
import io.storycast.gateway.trays.TrayWriter;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The fan-out of one story: resolves its target platforms from the author's cross-share preference (the
 * source platform always, others as the preference and the event's {@code shareTo} allow), writes its
 * record once ({@code story-begin.lua}), then fans out to every target not yet done, in parallel. Per
 * target it first chooses the route ({@link OutboxRoute}: a push into the trays, or the audience's
 * outbox for a large audience) and the lane (express for an audience that fits in one chunk, bulk
 * otherwise); a target that fails records why ({@link TargetFanout}). A redelivered story finds the
 * record of the earlier delivery and resumes from its progress; its targets and routes are the ones
 * chosen the first time, so a preference or audience changed meanwhile does not split a story.
 *
 * <p>With {@code fanout.awaitMedia} the story waits after its record is written and before any tray write
 * until its media is ready ({@link MediaGate}); a story whose media failed or never came is recorded as
 * failed, with the reason, on every target not yet done, and is finished (never shown).
 */
final class StoryFanout {
    private static final LuaScript BEGIN = LuaScript.load(StoryFanout.class, "story-begin.lua");

    private final RedisKeys keys;
    private final CrossShareStore crossShares;
    private final OutboxRoute routes;
    private final OutboxLinks links;
    private final TrayWriter trays;
    private final FanoutLane express;
    private final FanoutLane bulk;
    private final ExpressActivity expressActivity;
    private final MediaGate media;
    private final StageLatencies latencies;
    private final GatewayCounters counters;
    private final LiveFeed live;

    /**
     * @param express the lane of small audiences, whose connection also carries every story's own commands
     * @param bulk    the lane of audiences larger than a chunk
     * @param expressActivity told of every story that begins, so the bulk lanes yield to it
     * @param media   holds a story until its media is ready; null when stories do not wait for media
     * @param metrics where the stages of a story's fan-out are recorded and its deliveries counted
     * @param live    told of every chunk written and every story routed to an outbox; never waited for
     */
    StoryFanout(RedisKeys keys, CrossShareStore crossShares, OutboxRoute routes, TrayWriter trays,
                FanoutLane express, FanoutLane bulk, ExpressActivity expressActivity, MediaGate media,
                ProcessMetrics metrics, LiveFeed live) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.crossShares = Objects.requireNonNull(crossShares, "crossShares");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.links = new OutboxLinks(keys);
        this.trays = Objects.requireNonNull(trays, "trays");
        this.express = Objects.requireNonNull(express, "express");
        this.bulk = Objects.requireNonNull(bulk, "bulk");
        this.expressActivity = Objects.requireNonNull(expressActivity, "expressActivity");
        this.media = media;
        this.latencies = Objects.requireNonNull(metrics, "metrics").latencies();
        this.counters = metrics.counters();
        this.live = Objects.requireNonNull(live, "live");
    }

    /**
     * @param story the story
     * @param entry where it is in its stream, {@code "<entryId>#<index>"}
     * @param slot  its place among the stories in flight, given up while it waits for media
     * @return succeeds once the story is in every tray it belongs in (or was retracted); fails with the
     *         first failure, after recording it as the failed target's reason
     */
    Future<Void> run(StoryEvent story, String entry, StorySlot slot) {
        expressActivity.storyBegan();
        long lookupNanos = System.nanoTime();
        return crossShares.get(story.authorId())
                .onSuccess(preference -> latencies.preferenceLookup().recordSinceNanos(lookupNanos))
                .compose(preference -> begin(story, entry, targetsOf(story, preference)))
                .compose(hash -> media == null || hash.containsKey(StoryRecord.RETRACTED) ? fanOut(story, entry, hash)
                        : awaitMedia(story, slot).compose(verdict -> verdict.ready() ? fanOut(story, entry, hash)
                        : markFailed(story, hash, verdict.failure())));
    }

    /** Waits for the story's media without holding its place among the stories in flight. */
    private Future<MediaGate.Verdict> awaitMedia(StoryEvent story, StorySlot slot) {
        slot.park();
        return media.await(story).eventually(slot::unpark);
    }

    /** Records a story that may never be shown (its media failed or never came) as failed on every open target. */
    private Future<Void> markFailed(StoryEvent story, Map<String, String> hash, String reason) {
        String key = keys.story(story.platform(), story.storyId());
        Request failed = Request.cmd(Command.HSET).arg(key);
        int open = 0;
        for (Platform target : StoryRecord.parseTargets(hash.get(StoryRecord.TARGETS))) {
            if (!TargetProgress.of(hash, target).isDone()) {
                open++;
                failed.arg(TargetProgress.stateField(target)).arg(TargetProgress.State.FAILED.wireName())
                        .arg(TargetProgress.reasonField(target)).arg(reason);
            }
        }
        if (open == 0) {
            return Future.succeededFuture();
        }
        return express.redis().batch(List.of(failed, Request.cmd(Command.PEXPIREAT).arg(key).arg(story.expiresAtMillis())))
                .mapEmpty();
    }

    static Set<Platform> targetsOf(StoryEvent story, CrossShare preference) {
        EnumSet<Platform> targets = EnumSet.of(story.platform());
        targets.addAll(preference.targetsOf(story.platform(), story.audience(), story.shareTo()));
        return targets;
    }

    /** @return the story hash as an earlier delivery left it, or as this call wrote it */
    private Future<Map<String, String>> begin(StoryEvent story, String entry, Set<Platform> targets) {
        List<String> fields = StoryRecord.initialFields(story, entry, targets);
        return BEGIN.call(express.redis(), request -> {
            request.arg(1).arg(keys.story(story.platform(), story.storyId())).arg(story.expiresAtMillis());
            fields.forEach(request::arg);
        }).map(reply -> reply.size() == 0 ? asMap(fields) : StoryRecords.asMap(reply));
    }

    /**
     * Fans out to every target not done yet. Records each target's fan-out, the story's, and (when one was
     * left to do and none was retracted) the story's end-to-end latency from its stream entry's append.
     */
    private Future<Void> fanOut(StoryEvent story, String entry, Map<String, String> hash) {
        if (hash.containsKey(StoryRecord.RETRACTED)) {
            return Future.succeededFuture();
        }
        expressActivity.storyBegan(); // again: a story that waited for its media begins its round trips only now
        long startNanos = System.nanoTime();
        long acceptedAtMillis = StreamEntry.appendedAtMillis(entry);
        List<Future<Boolean>> targets = new ArrayList<>(Platform.values().length);
        for (Platform target : StoryRecord.parseTargets(hash.get(StoryRecord.TARGETS))) {
            TargetProgress progress = TargetProgress.of(hash, target);
            if (!progress.isDone()) {
                // The privacy rule: only the source platform uses the story's own list (close friends stay there).
                Audience list = target == story.platform() ? story.audience() : Audience.DEFAULT;
                targets.add(routes.decide(story, target, list, progress.route())
                        .onSuccess(decision -> {
                            if (decision.route() == TargetProgress.Route.OUTBOX) {
                                live.routedToOutbox(story, acceptedAtMillis, target, list); // in the outbox by now
                            }
                        })
                        .compose(decision -> new TargetFanout(laneFor(decision), express.redis(), keys, story,
                                plan(story, acceptedAtMillis, target, list, decision), progress, latencies.trayWrite()).run())
                        .onSuccess(finished -> {
                            if (finished) {
                                latencies.targetFanout(target).recordSinceNanos(startNanos);
                                counters.delivered(target);
                            }
                        }));
            }
        }
        if (targets.isEmpty()) {
            return Future.succeededFuture();
        }
        return Future.all(targets).onSuccess(all -> {
            if (allDone(targets)) {
                latencies.storyFanout().recordSinceNanos(startNanos);
                latencies.endToEndTray().recordSinceEpochMillis(acceptedAtMillis);
            }
        }).mapEmpty();
    }

    private FanoutLane laneFor(OutboxRoute.Decision decision) {
        boolean scansOneChunk = decision.audienceSize() < express.chunkSize();
        return scansOneChunk || (decision.route() == TargetProgress.Route.OUTBOX && decision.linked()) ? express : bulk;
    }

    private TargetFanout.Plan plan(StoryEvent story, long acceptedAtMillis, Platform target, Audience list,
                                   OutboxRoute.Decision decision) {
        if (decision.route() == TargetProgress.Route.PUSH) {
            return new TargetFanout.Plan(target, list, decision.route(), new ChunkWrites.TrayWrites(trays, target,
                    RedisKeys.trayMember(story.platform(), story.storyId()), story.createdAtMillis(),
                    story.storyId().hashCode(), subscribers -> live.pushed(story, acceptedAtMillis, target, subscribers)),
                    true);
        }
        return new TargetFanout.Plan(target, list, decision.route(),
                new ChunkWrites.LinkWrites(links, target, list, story.authorId()), !decision.linked());
    }

    private static Map<String, String> asMap(List<String> flat) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(flat.get(i), flat.get(i + 1));
        }
        return map;
    }

    /** @return whether every target finished its fan-out (a plain loop: this runs once per story) */
    private static boolean allDone(List<Future<Boolean>> targets) {
        for (Future<Boolean> target : targets) {
            if (!target.result()) {
                return false;
            }
        }
        return true;
    }
}
