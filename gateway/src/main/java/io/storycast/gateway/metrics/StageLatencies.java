package io.storycast.gateway.metrics;

import io.storycast.gateway.story.MediaKind;
import io.storycast.gateway.story.Platform;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every stage's latency recorder, created once per process and shared by every verticle (each stage is
 * recorded from many event loops at once, wait-free). The set is fixed at construction, so a lookup never
 * allocates or locks, and a stage exists in {@code /metrics} before its first sample.
 *
 * <p>Every stage records microseconds in the range of {@link StageRecorder}. The names are exact and stable:
 * SREs' dashboards and alerts use them.
 */
public final class StageLatencies {
    /** Media kinds that are transcoded: a recorder per kind. */
    public static final List<MediaKind> TRANSCODED_KINDS = List.of(MediaKind.IMAGE, MediaKind.VIDEO);

    private final StageRecorder httpIngest = new StageRecorder("http.ingest",
            "POST /v1/stories: from the request's arrival to its 2xx status line (202 accepted; 200 duplicate or batch)");
    private final StageRecorder queueWait = new StageRecorder("queue.wait",
            "an accepted entry's wait in its story stream: from its XADD (the entry id's time, Redis's clock) to the "
                    + "fan-out's first read of it");
    private final StageRecorder preferenceLookup = new StageRecorder("lookup.preference",
            "the fan-out's read of a story author's cross-share preference (one Redis round trip)");
    private final StageRecorder audienceLookup = new StageRecorder("lookup.audience",
            "one audience chunk read, mutes left out (audience-chunk.lua, fanout.chunkSize members)");
    private final StageRecorder trayWrite = new StageRecorder("tray.write",
            "one chunk's pipelined tray writes, from send to Redis's last answer");
    private final StageRecorder storyFanout = new StageRecorder("fanout.story",
            "one story's fan-out to all its target platforms, from its first route decision to its last platform done "
                    + "(after its media is ready)");
    private final Map<Platform, StageRecorder> targetFanout = new EnumMap<>(Platform.class);
    private final StageRecorder endToEndTray = new StageRecorder("e2e.tray",
            "end to end: from the story's acceptance (its stream entry's XADD, Redis's clock) to the last tray or outbox "
                    + "write of its fan-out (every platform done)");
    private final StageRecorder livePush = new StageRecorder("live.push",
            "one story pushed to one live connection: from its publish by the fan-out (the publishing process's wall "
                    + "clock) to its write on the subscriber's connection (handed to the socket)");
    private final StageRecorder endToEndPush = new StageRecorder("e2e.push",
            "end to end: from the story's acceptance (its stream entry's XADD, Redis's clock) to its write on one "
                    + "subscriber's live connection");
    private final Map<MediaKind, StageRecorder> mediaTranscode = new EnumMap<>(MediaKind.class);
    private final StageRecorder redisRoundTrip = new StageRecorder("redis.roundtrip",
            "one command or pipelined batch on an ingest, API or fan-out connection, from send to answer; one cut "
                    + "off by the command timeout counts as the timeout (error answers, dropped connections and "
                    + "blocking stream reads left out)");
    private final Map<String, StageRecorder> byName = new LinkedHashMap<>();

    public StageLatencies() {
        add(httpIngest);
        add(queueWait);
        add(preferenceLookup);
        add(audienceLookup);
        add(trayWrite);
        add(storyFanout);
        for (Platform platform : Platform.values()) {
            StageRecorder target = new StageRecorder("fanout.target." + platform.wireName(),
                    "one story's fan-out to " + platform.wireName() + ": from its route decision to its final progress "
                            + "write (every chunk written)");
            targetFanout.put(platform, target);
            add(target);
        }
        add(endToEndTray);
        add(livePush);
        add(endToEndPush);
        for (MediaKind kind : TRANSCODED_KINDS) {
            StageRecorder transcode = new StageRecorder("media.transcode." + kind.wireName(),
                    "one " + kind.wireName() + " upload's transcoding job on a media worker: decode, every rendition, "
                            + "stored");
            mediaTranscode.put(kind, transcode);
            add(transcode);
        }
        add(redisRoundTrip);
    }

    private void add(StageRecorder stage) {
        byName.put(stage.name(), stage);
    }

    public StageRecorder httpIngest() {
        return httpIngest;
    }

    public StageRecorder queueWait() {
        return queueWait;
    }

    public StageRecorder preferenceLookup() {
        return preferenceLookup;
    }

    public StageRecorder audienceLookup() {
        return audienceLookup;
    }

    public StageRecorder trayWrite() {
        return trayWrite;
    }

    public StageRecorder storyFanout() {
        return storyFanout;
    }

    /** @return the fan-out of one story to {@code platform} */
    public StageRecorder targetFanout(Platform platform) {
        return targetFanout.get(Objects.requireNonNull(platform, "platform"));
    }

    public StageRecorder endToEndTray() {
        return endToEndTray;
    }

    public StageRecorder livePush() {
        return livePush;
    }

    public StageRecorder endToEndPush() {
        return endToEndPush;
    }

    /**
     * @return the transcoding of one upload of {@code kind}
     * @throws IllegalArgumentException for a kind that is not transcoded ({@link #TRANSCODED_KINDS})
     */
    public StageRecorder mediaTranscode(MediaKind kind) {
        StageRecorder stage = mediaTranscode.get(Objects.requireNonNull(kind, "kind"));
        if (stage == null) {
            throw new IllegalArgumentException(kind.wireName() + " media is not transcoded");
        }
        return stage;
    }

    public StageRecorder redisRoundTrip() {
        return redisRoundTrip;
    }

    /** @return every stage, in a stable order (the order of {@code /metrics} and {@code /v1/stats/latency}) */
    public List<StageRecorder> all() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }

    /** @return the stage of that exact name, or {@code null} */
    public StageRecorder byName(String name) {
        return byName.get(name);
    }
}
