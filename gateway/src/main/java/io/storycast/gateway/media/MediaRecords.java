package io.storycast.gateway.media;

import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.redis.LuaScript;
import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.redis.StoreUnavailableException;
import io.storycast.gateway.trays.StoryRecords;
import io.storycast.media.MediaProblem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An upload's status in Redis, so every gateway process answers for it: {@code processing} from the
 * moment an upload is accepted, then {@code ready} with its renditions, or {@code failed} with the
 * problem. A record lives {@code recordLifetimeMillis} from its last change.
 *
 * <p>A process that dies mid-upload or mid-job leaves its record {@code processing}; once that is older
 * than {@code processingLeaseMillis} a new upload of the same id may take it over, so a crash does not
 * block an id for the record's whole lifetime.
 */
public final class MediaRecords {
    public static final String PROCESSING = "processing";
    public static final String READY = "ready";
    public static final String FAILED = "failed";

    /** How long a client may take to send an upload, beyond the waits the configuration bounds. */
    static final long UPLOAD_GRACE_MILLIS = 600_000;

    private static final LuaScript BEGIN = LuaScript.load(MediaRecords.class, "media-begin.lua");

    private final Redis redis;
    private final RedisKeys keys;
    private final long recordLifetimeMillis;
    private final long processingLeaseMillis;

    /**
     * @param recordLifetimeMillis  how long a record lives after its last change, milliseconds, at least 1
     * @param processingLeaseMillis how long a {@code processing} record holds its id, milliseconds, at least 1
     */
    public MediaRecords(Redis redis, RedisKeys keys, long recordLifetimeMillis, long processingLeaseMillis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        if (recordLifetimeMillis < 1 || processingLeaseMillis < 1) {
            throw new IllegalArgumentException("lifetime and lease must be at least 1 ms, were "
                    + recordLifetimeMillis + " and " + processingLeaseMillis);
        }
        this.recordLifetimeMillis = recordLifetimeMillis;
        this.processingLeaseMillis = processingLeaseMillis;
    }

    /**
     * The records as the configuration sets them: they live twice a story's longest lifetime (a story
     * points at its media for as long as it lives), and a {@code processing} record holds its id for the
     * longest an upload may wait for memory and run, plus {@link #UPLOAD_GRACE_MILLIS} for the upload.
     */
    public static MediaRecords of(Redis redis, RedisKeys keys, StorycastConfig config) {
        return new MediaRecords(redis, keys, 2L * config.ingest().maxStoryLifetimeSeconds() * 1000,
                (config.media().memoryWaitSeconds() + config.media().jobTimeoutSeconds()) * 1000L + UPLOAD_GRACE_MILLIS);
    }

    /**
     * Claims a media id for a new upload, atomically: a new id, one whose earlier upload failed, or one
     * whose {@code processing} record outlived its lease.
     *
     * @return true when the upload may go on; false when the id is taken (processing or ready)
     */
    public Future<Boolean> begin(String mediaId) {
        return unavailableOnFailure(BEGIN.call(redis, request -> request.arg(1).arg(keys.media(mediaId))
                .arg(recordLifetimeMillis).arg(processingLeaseMillis)).map(claimed -> claimed.toInteger() == 1));
    }

    /** Records the renditions of a finished job. */
    public Future<Void> ready(String mediaId, JsonObject renditions) {
        return unavailableOnFailure(write(keys.media(mediaId), "status", READY, "renditions", renditions.encode()));
    }

    /** Records why a job failed. */
    public Future<Void> failed(String mediaId, MediaProblem problem, String detail) {
        return unavailableOnFailure(write(keys.media(mediaId), "status", FAILED, "problem", problem.slug(), "detail", detail));
    }

    /**
     * @return the upload's {@code status} (absent: no upload yet) and, when it failed, {@code problem} and
     *         {@code detail}; without the renditions, so it is cheap to ask often
     */
    public Future<JsonObject> state(String mediaId) {
        return unavailableOnFailure(redis.send(Request.cmd(Command.HMGET).arg(keys.media(mediaId))
                .arg("status").arg("problem").arg("detail")).map(reply -> {
                    JsonObject state = new JsonObject();
                    String[] fields = {"status", "problem", "detail"};
                    for (int i = 0; i < fields.length; i++) {
                        if (reply.get(i) != null && !reply.get(i).toString().isEmpty()) {
                            state.put(fields[i], reply.get(i).toString());
                        }
                    }
                    return state;
                }));
    }

    /** @return the record as {@code status}, and {@code renditions} or {@code problem} and {@code detail}; null if none */
    public Future<JsonObject> get(String mediaId) {
        return unavailableOnFailure(redis.send(Request.cmd(Command.HGETALL).arg(keys.media(mediaId))).map(MediaRecords::asJson));
    }

    private static JsonObject asJson(Response hash) {
        Map<String, String> fields = StoryRecords.asMap(hash);
        if (fields.isEmpty()) {
            return null;
        }
        JsonObject record = new JsonObject();
        for (Map.Entry<String, String> entry : fields.entrySet()) {
            String field = entry.getKey();
            String value = entry.getValue();
            if (field.equals("renditions")) {
                record.put(field, new JsonObject(value));
            } else if (!value.isEmpty()) {
                record.put(field, value);
            }
        }
        return record;
    }

    private Future<Void> write(String key, String... fieldsAndValues) {
        Request set = Request.cmd(Command.HSET).arg(key);
        for (String part : fieldsAndValues) {
            set.arg(part);
        }
        return redis.batch(List.of(set, Request.cmd(Command.PEXPIRE).arg(key).arg(recordLifetimeMillis))).mapEmpty();
    }

    private static <T> Future<T> unavailableOnFailure(Future<T> call) {
        return StoreUnavailableException.onFailure(call);
    }
}
