package io.storycast.gateway.testing;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

/**
 * Subscriber tokens for the live tests, made here with the JDK's HMAC (independently of the gateway's JWT library):
 * good ones, and the forgeries a gateway must refuse: {@code alg: none}, another HMAC algorithm, an RS256 header
 * over an HMAC signature (algorithm confusion), the wrong secret, expired, without {@code exp}.
 */
public final class LiveTokensForTests {
    /** The secret the live tests' gateways verify with (32 bytes: the shortest accepted). */
    public static final String SECRET = "live-test-secret-0123456789abcdef";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private LiveTokensForTests() {
    }

    /** @return a token for the subscriber on the platform, valid for an hour */
    public static String valid(String platform, String subscriberId) {
        return sign("HS256", "HmacSHA256", SECRET, claims(platform, subscriberId, Instant.now().plusSeconds(3600)));
    }

    /** @return the claims a good token carries: {@code sub}, {@code platform}, {@code exp} (seconds) */
    public static JsonObject claims(String platform, String subscriberId, Instant expires) {
        return new JsonObject().put("sub", subscriberId).put("platform", platform).put("exp", expires.getEpochSecond())
                .put("iat", Instant.now().minusSeconds(5).getEpochSecond());
    }

    /**
     * @param headerAlg the {@code alg} the header names
     * @param macAlg    the JDK HMAC that signs ({@code HmacSHA256}, {@code HmacSHA384}, {@code HmacSHA512})
     * @return {@code header.payload.signature}
     */
    public static String sign(String headerAlg, String macAlg, String secret, JsonObject claims) {
        String signingInput = segment(new JsonObject().put("alg", headerAlg).put("typ", "JWT")) + "." + segment(claims);
        try {
            Mac mac = Mac.getInstance(macAlg);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), macAlg));
            return signingInput + "." + BASE64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return an unsecured JWT ({@code alg: none}), with an empty signature part ({@code header.payload.}) */
    public static String unsigned(JsonObject claims) {
        return segment(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + segment(claims) + ".";
    }

    /** @return an {@code alg: none} header over a payload, carrying a real HS256 signature of it */
    public static String noneWithSignature(JsonObject claims) {
        return sign("none", "HmacSHA256", SECRET, claims);
    }

    private static String segment(JsonObject json) {
        return BASE64URL.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }
}
