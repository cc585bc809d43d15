package io.storycast.gateway.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

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

    /** @return the bytes of a made image, on the heap for the HTTP client; releases the buffer */
    public static byte[] bytesOf(ByteBuf image) {
        try {
            return ByteBufUtil.getBytes(image);
        } finally {
            image.release();
        }
    }
}
