package io.storycast.gateway.fanout;

import io.storycast.gateway.audience.CrossShare;
import io.storycast.gateway.audience.CrossShareStore;
import io.storycast.gateway.config.FanoutConfig;
import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.storycast.gateway.trays.StoryRecord;
import io.storycast.gateway.trays.StoryRecords;
import io.storycast.gateway.trays.TrayWriter;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

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
 * record once ({@code story-begin.lua}), then fans out to every target not yet done, in parallel (a
 * target that fails records why, {@link TargetFanout}). A
 * redelivered story finds the record of the earlier delivery and resumes from its progress; its targets
 * are the ones resolved the first time, so a preference changed meanwhile does not split a story.
 */
final class StoryFanout {
    private static final LuaScript BEGIN = LuaScript.load(StoryFanout.class, "story-begin.lua");

    private final Redis redis;
    private final RedisKeys keys;
    private final CrossShareStore crossShares;
    private final AudienceChunks chunks;
    private final TrayWriter trays;
    private final Permits pendingCommands;
    private final FanoutConfig config;

    StoryFanout(Redis redis, RedisKeys keys, CrossShareStore crossShares, TrayWriter trays, Permits pendingCommands,
                FanoutConfig config) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.crossShares = Objects.requireNonNull(crossShares, "crossShares");
        this.chunks = new AudienceChunks(redis, keys);
        this.trays = Objects.requireNonNull(trays, "trays");
        this.pendingCommands = Objects.requireNonNull(pendingCommands, "pendingCommands");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * @param story the story
     * @param entry where it is in its stream, {@code "<entryId>#<index>"}
     * @return succeeds once the story is in every tray it belongs in (or was retracted); fails with the
     *         first failure, after recording it as the failed target's reason
     */
    Future<Void> run(StoryEvent story, String entry) {
        return crossShares.get(story.authorId())
                .compose(preference -> begin(story, entry, targetsOf(story, preference)))
                .compose(hash -> fanOut(story, hash));
    }

    static Set<Platform> targetsOf(StoryEvent story, CrossShare preference) {
        EnumSet<Platform> targets = EnumSet.of(story.platform());
        targets.addAll(preference.targetsOf(story.platform(), story.audience(), story.shareTo()));
        return targets;
    }

    /** @return the story hash as an earlier delivery left it, or as this call wrote it */
    private Future<Map<String, String>> begin(StoryEvent story, String entry, Set<Platform> targets) {
        List<String> fields = StoryRecord.initialFields(story, entry, targets);
        return BEGIN.call(redis, request -> {
            request.arg(1).arg(keys.story(story.platform(), story.storyId())).arg(story.expiresAtMillis());
            fields.forEach(request::arg);
        }).map(reply -> reply.size() == 0 ? asMap(fields) : StoryRecords.asMap(reply));
    }

    private Future<Void> fanOut(StoryEvent story, Map<String, String> hash) {
        if (hash.containsKey(StoryRecord.RETRACTED)) {
            return Future.succeededFuture();
        }
        List<Future<Boolean>> targets = new ArrayList<>(Platform.values().length);
        for (Platform target : StoryRecord.parseTargets(hash.get(StoryRecord.TARGETS))) {
            TargetProgress progress = TargetProgress.of(hash, target);
            if (!progress.isDone()) {
                targets.add(new TargetFanout(redis, keys, chunks, trays, pendingCommands, story, target, progress,
                        config.chunkSize(), config.chunksInFlight()).run());
            }
        }
        return Future.all(targets).mapEmpty();
    }

    private static Map<String, String> asMap(List<String> flat) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(flat.get(i), flat.get(i + 1));
        }
        return map;
    }
}
