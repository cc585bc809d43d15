package io.storycast.gateway.http;

import io.storycast.gateway.media.MediaRecords;
import io.storycast.gateway.media.RenditionStore;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.auth.ApiClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /v1/media/{mediaId}}: the upload's status and, per platform, each rendition's dimensions,
 * codec, bytes, sha256 and URL; {@code GET /v1/media/{mediaId}/{platform}/{rendition}}: the rendition's
 * bytes, with a strong {@code ETag} (its sha256: content-addressed, so immutable), {@code If-None-Match}
 * (304), a single {@code Range} (206, or 416 when unsatisfiable; see {@link ByteRange}) and {@code If-Range}.
 * The file is sent by the OS ({@code sendFile}), never read into the heap, and found without blocking
 * the event loop.
 */
final class MediaReadRoutes {
    private final MediaRecords records;
    private final RenditionStore store;
    private final int retryAfterSeconds;

    MediaReadRoutes(MediaRecords records, RenditionStore store, int retryAfterSeconds) {
        this.records = Objects.requireNonNull(records, "records");
        this.store = Objects.requireNonNull(store, "store");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void status(RoutingContext context) {
        try {
            String mediaId = PathInputs.id(context, "mediaId");
            records.get(mediaId).onSuccess(record -> {
                if (record == null) {
                    notFound(context, "no media " + mediaId);
                    return;
                }
                JsonObject body = new JsonObject().put("mediaId", mediaId).put("status", record.getString("status"));
                JsonObject renditions = record.getJsonObject("renditions");
                if (renditions != null) {
                    for (String platform : renditions.fieldNames()) {
                        for (Object rendition : renditions.getJsonArray(platform)) {
                            JsonObject entry = (JsonObject) rendition;
                            entry.put("url", "/v1/media/" + mediaId + "/" + platform + "/" + entry.getString("name"));
                        }
                    }
                    body.put("renditions", renditions);
                }
                if (record.containsKey("problem")) {
                    body.put("problem", MediaProblems.ofSlug(record.getString("problem"), record.getString("detail", "")));
                }
                context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
            }).onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }

    void bytes(RoutingContext context) {
        try {
            String mediaId = PathInputs.id(context, "mediaId");
            Platform platform = PathInputs.platform(context);
            ApiClient caller = context.get(ApiKeyAuthHandler.CLIENT);
            if (!caller.mayActFor(platform)) {
                throw new PathInputs.ForbiddenPlatformException(caller.name(), platform);
            }
            String name = context.pathParam("rendition");
            records.get(mediaId).onSuccess(record -> {
                Optional<JsonObject> rendition = Optional.ofNullable(record)
                        .map(found -> found.getJsonObject("renditions"))
                        .map(all -> all.getJsonArray(platform.wireName()))
                        .flatMap(list -> find(list, name));
                if (rendition.isEmpty()) {
                    notFound(context, "media " + mediaId + " has no ready " + platform.wireName() + " rendition '" + name + "'");
                    return;
                }
                send(context, rendition.get());
            }).onFailure(failure -> ApiFailures.respond(context, failure, retryAfterSeconds));
        } catch (RuntimeException invalid) {
            ApiFailures.respond(context, invalid, retryAfterSeconds);
        }
    }

    private void send(RoutingContext context, JsonObject rendition) {
        String sha256 = rendition.getString("sha256");
        Optional<Path> location = store.location(sha256);
        if (location.isEmpty()) {
            notFound(context, "rendition " + sha256 + " is not in this gateway's media.storeDir");
            return;
        }
        String file = location.get().toString();
        // Asked of the file system off the event loop: a stat may block on a slow or remote disk.
        context.vertx().fileSystem().props(file).onComplete(props -> {
            if (props.failed() || !props.result().isRegularFile()) {
                notFound(context, "rendition " + sha256 + " is not in this gateway's media.storeDir");
                return;
            }
            sendFile(context, rendition, file, props.result().size());
        });
    }

    private static void sendFile(RoutingContext context, JsonObject rendition, String file, long size) {
        String etag = "\"" + rendition.getString("sha256") + "\"";
        HttpServerResponse response = context.response();
        // If-None-Match comes before Range (RFC 9110, section 13.2.2): a cached copy is answered 304 whatever range it asks.
        if (EntityTags.noneMatchFails(context.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            cacheable(response, etag).setStatusCode(304).end();
            return;
        }
        String rangeHeader = EntityTags.rangeMayBeServed(context.request().getHeader("If-Range"), etag)
                ? context.request().getHeader("Range") : null;
        ByteRange.Request range = ByteRange.of(rangeHeader, size);
        if (range instanceof ByteRange.Unsatisfiable) {
            response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
            Problems.send(response, Problems.problem(416, "range-not-satisfiable", "Range not satisfiable",
                    "the rendition has " + size + " bytes; the range was '" + rangeHeader + "'").put("field", "Range"));
            return;
        }
        cacheable(response, etag);
        response.putHeader(HttpHeaders.CONTENT_TYPE, contentType(rendition.getString("format")));
        if (range instanceof ByteRange.Part part) {
            response.setStatusCode(206)
                    .putHeader(HttpHeaders.CONTENT_RANGE, "bytes " + part.range().first() + "-" + part.range().last() + "/" + size)
                    .sendFile(file, part.range().first(), part.range().length());
        } else {
            response.sendFile(file);
        }
    }

    /** Content-addressed, so the bytes under this tag never change: caches may keep them for ever. */
    private static HttpServerResponse cacheable(HttpServerResponse response, String etag) {
        return response.putHeader(HttpHeaders.ETAG, etag)
                .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=31536000, immutable")
                .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    }

    private static Optional<JsonObject> find(JsonArray renditions, String name) {
        for (Object rendition : renditions) {
            if (name.equals(((JsonObject) rendition).getString("name"))) {
                return Optional.of((JsonObject) rendition);
            }
        }
        return Optional.empty();
    }

    private static String contentType(String format) {
        return switch (format) {
            case "jpeg" -> "image/jpeg";
            case "webp" -> "image/webp";
            case "mp4" -> "video/mp4";
            default -> "application/octet-stream";
        };
    }

    private static void notFound(RoutingContext context, String detail) {
        Problems.send(context.response(), Problems.problem(404, "not-found", "Not found", detail));
    }
}
