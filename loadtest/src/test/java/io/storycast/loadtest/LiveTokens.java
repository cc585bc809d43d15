package io.storycast.loadtest;

import com.fasterxml.jackson.core.JsonProcessingException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The bearer tokens of live delivery, minted by the load tool itself as a test client would get them: a JWT
 * (RFC 7519) signed with HMAC-SHA256 (HS256) under the gateway's {@code live.tokenSecret}, taken as the UTF-8
 * bytes of the string, with the claims {@code sub} (the subscriber id), {@code platform} and {@code exp} (epoch
 * seconds). Written with the JDK's {@code javax.crypto} and Jackson; no JWT library needed for three claims.
 */
final class LiveTokens {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final byte[] secret;
    private final String header;

    LiveTokens(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the live token secret is empty");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.header = encode(Map.of("alg", "HS256", "typ", "JWT"));
    }

    /** @return a compact JWT for the subscriber on the platform, valid for {@code ttlSeconds} from now */
    String mint(String subscriberId, String platform, long ttlSeconds) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", subscriberId);
        claims.put("platform", platform);
        claims.put("exp", System.currentTimeMillis() / 1000 + ttlSeconds);
        String signingInput = header + "." + encode(claims);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + BASE64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private static String encode(Map<String, ?> json) {
        try {
            return BASE64URL.encodeToString(Json.MAPPER.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
