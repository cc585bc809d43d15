package io.storycast.gateway.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** How the tests upload media, as a producer does: {@code PUT /v1/media/{mediaId}} with the producer key. */
public final class MediaUploads {
    private MediaUploads() {
    }

    public static HttpResponse<String> put(TestGateway gateway, String mediaId, byte[] body) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/media/" + mediaId))
                .header("Authorization", "Bearer " + TestGateway.PRODUCER_KEY)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** @return {@code GET /v1/media/{mediaId}} as a reader asks it; fails unless it answers 200 */
    public static JsonObject status(TestGateway gateway, String mediaId) {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/v1/media/" + mediaId))
                .header("Authorization", "Bearer " + TestGateway.READER_KEY).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    /** @return the bytes of a made image, on the heap for the HTTP client; releases the buffer */
    public static byte[] bytesOf(ByteBuf image) {
        try {
            return ByteBufUtil.getBytes(image);
        } finally {
            image.release();
        }
    }
}
