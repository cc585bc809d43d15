package io.storycast.gateway.live;

import io.storycast.gateway.story.Ids;
import io.storycast.gateway.story.Platform;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.Objects;

/**
 * Checks a subscriber's token: a JWT signed with HMAC-SHA256 under {@code live.tokenSecret}, carrying {@code sub}
 * (the subscriber id), {@code platform} and {@code exp}. Verification is Vert.x's {@link JWTAuth} with exactly one
 * key, an HS256 one: a token whose header names any other algorithm ({@code none}, {@code HS384}, {@code RS256}...)
 * finds no key and is refused, as is an unsigned one, so the algorithm is fixed by this configuration, never by the
 * token (no algorithm confusion). Expiry is checked with no leeway, and a token without {@code exp} is refused:
 * a live connection may last for hours, so every token must end.
 *
 * <p>Thread-safe; create one per event loop anyway (each keeps its own HMAC instance).
 */
final class LiveTokens {
    /** The one algorithm accepted. */
    static final String ALGORITHM = "HS256";
    /** The longest token read, characters: a few claims need far less; a longer one is refused unparsed. */
    static final int MAX_TOKEN_LENGTH = 4096;

    private final JWTAuth jwt;

    /** A verified token's subject: who may read which stream. */
    record Subject(Platform platform, String subscriberId) {
        Subject {
            Objects.requireNonNull(platform, "platform");
            Objects.requireNonNull(subscriberId, "subscriberId");
        }
    }

    /** @param secret the HS256 secret, at least 32 bytes (checked by the configuration) */
    LiveTokens(Vertx vertx, String secret) {
        Objects.requireNonNull(secret, "secret");
        this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret))
                .setJWTOptions(new JWTOptions().setLeeway(0)));
    }

    /**
     * @param token the compact JWS
     * @param field where the token came from ({@code Authorization}, {@code access_token}, {@code token}), named in
     *              the refusal
     * @return the token's subject; fails with a 401 {@link LiveRefusal} when the token is malformed, not signed with
     *         the secret under HS256, expired, or lacks a claim
     */
    Future<Subject> verify(String token, String field) {
        if (token == null || token.isEmpty()) {
            return Future.failedFuture(LiveRefusal.unauthorized("a subscriber token is required: 'Authorization: Bearer "
                    + "<token>' or the access_token query parameter", field));
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return Future.failedFuture(LiveRefusal.unauthorized("the token is longer than " + MAX_TOKEN_LENGTH
                    + " characters", field));
        }
        Future<JsonObject> claims;
        try {
            // The verified payload: the principal leaves exp and iat out, the attributes keep the whole of it.
            claims = jwt.authenticate(new TokenCredentials(token)).map(user -> {
                JsonObject payload = user.attributes().getJsonObject("accessToken");
                return payload != null ? payload : user.principal();
            });
        } catch (RuntimeException malformed) {
            claims = Future.failedFuture(malformed);
        }
        return claims.transform(verified -> verified.succeeded() ? subject(verified.result(), field)
                : Future.failedFuture(LiveRefusal.unauthorized("the token is not valid: it must be an unexpired JWT "
                        + "signed with HS256 under this gateway's secret (" + describe(verified.cause()) + ")", field)));
    }

    private static Future<Subject> subject(JsonObject claims, String field) {
        if (!(claims.getValue("exp") instanceof Number)) {
            return Future.failedFuture(LiveRefusal.unauthorized("the token has no exp claim: live tokens must expire", field));
        }
        Object sub = claims.getValue("sub");
        Object platformName = claims.getValue("platform");
        Platform platform = platformName instanceof String name ? Platform.fromWireName(name) : null;
        if (!(sub instanceof String subscriberId) || Ids.brokenRule(subscriberId, Ids.MAX_ID_LENGTH) != null) {
            return Future.failedFuture(LiveRefusal.unauthorized("the token's sub claim must be a subscriber id", field));
        }
        if (platform == null) {
            return Future.failedFuture(LiveRefusal.unauthorized("the token's platform claim must be one of "
                    + Platform.wireNames(), field));
        }
        return Future.succeededFuture(new Subject(platform, subscriberId));
    }

    /** @return why the library refused the token, without echoing the token */
    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName()
                : message.length() > 120 ? message.substring(0, 120) : message;
    }
}
