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

import java.util.Map;
import java.util.Objects;

/**
 * An upload's status in Redis, so every gateway process answers for it: {@code processing} from the
 * moment an upload is accepted, then {@code ready} with its renditions, or {@code failed} with the
 * problem. A record lives {@code recordLifetimeMillis} from its last change.
 *
 * <p>A process that dies mid-upload or mid-job leaves its record {@code processing}; once that is older
 * than {@code processingLeaseMillis} a new upload of the same id may take it over, so a crash does not
 * block an id for the record's whole lifetime. Outcomes are written only under the claim that made the
 * record ({@link Claim}): a slow upload that lost its record to such a takeover changes nothing.
 */
public final class MediaRecords {
    public static final String PROCESSING = "processing";
    public static final String READY = "ready";
    public static final String FAILED = "failed";

    /** Beyond an upload's and a job's time limits: the wait for a free media worker, on a full process. */
    static final long WORKER_QUEUE_GRACE_MILLIS = 60_000;

    private static final LuaScript BEGIN = LuaScript.load(MediaRecords.class, "media-begin.lua");
    private static final LuaScript FINISH = LuaScript.load(MediaRecords.class, "media-finish.lua");

    /**
     * An upload's hold on its media id, from {@link #begin}: only the holder may record the outcome, so an
     * upload whose record was taken over (its lease ran out) cannot overwrite the one that took it.
     *
     * @param token when the claim was made, milliseconds of Redis's clock; unique per id in practice
     */
    public record Claim(String mediaId, long token) {
    }

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
     * longest an upload may take ({@code media.uploadTimeoutSeconds}) and its job run
     * ({@code media.jobTimeoutSeconds}), plus {@link #WORKER_QUEUE_GRACE_MILLIS}.
     */
    public static MediaRecords of(Redis redis, RedisKeys keys, StorycastConfig config) {
        return new MediaRecords(redis, keys, 2L * config.ingest().maxStoryLifetimeSeconds() * 1000,
                (config.media().uploadTimeoutSeconds() + config.media().jobTimeoutSeconds()) * 1000L + WORKER_QUEUE_GRACE_MILLIS);
    }

    /**
     * Claims a media id for a new upload, atomically: a new id, one whose earlier upload failed, or one
     * whose {@code processing} record outlived its lease.
     *
     * @return the claim when the upload may go on; null when the id is taken (processing or ready)
     */
    public Future<Claim> begin(String mediaId) {
        return unavailableOnFailure(BEGIN.call(redis, request -> request.arg(1).arg(keys.media(mediaId))
                .arg(recordLifetimeMillis).arg(processingLeaseMillis))
                .map(token -> token.toLong() == 0 ? null : new Claim(mediaId, token.toLong())));
    }

    /** Records the renditions of a finished job. @return false when the claim no longer holds the record */
    public Future<Boolean> ready(Claim claim, JsonObject renditions) {
        return finish(claim, "status", READY, "renditions", renditions.encode());
    }

    /** Records why a job failed (the id may be uploaded again). @return false when the claim no longer holds the record */
    public Future<Boolean> failed(Claim claim, MediaProblem problem, String detail) {
        return finish(claim, "status", FAILED, "problem", problem.slug(), "detail", detail);
    }

    private Future<Boolean> finish(Claim claim, String... fieldsAndValues) {
        return unavailableOnFailure(FINISH.call(redis, request -> {
            request.arg(1).arg(keys.media(claim.mediaId())).arg(claim.token()).arg(recordLifetimeMillis);
            for (String part : fieldsAndValues) {
                request.arg(part);
            }
        }).map(written -> written.toInteger() == 1));
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

    private static <T> Future<T> unavailableOnFailure(Future<T> call) {
        return StoreUnavailableException.onFailure(call);
    }
}
