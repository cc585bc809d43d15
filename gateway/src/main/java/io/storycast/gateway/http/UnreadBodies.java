package io.storycast.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * What becomes of a request body the gateway answered without reading all of it (an upload refused
 * before or while it was read: 409, 413, 503). Left alone, the request would stay paused and its
 * connection stuck: Vert.x serves the next HTTP/1.1 request on a connection only once this one's body is
 * in.
 *
 * <ul>
 *   <li>HTTP/1.x: a rest of at most {@link #DISCARD_LIMIT_BYTES} (by {@code Content-Length}) is read and
 *       thrown away, so the connection lives on; a larger or unknown rest closes the connection once the
 *       answer is written, as Tomcat does past its {@code maxSwallowSize}. ({@code Connection: close} on
 *       the answer would not close it.)</li>
 *   <li>HTTP/2: the stream is reset with {@code NO_ERROR} after the answer (RFC 9113, section 8.1), which
 *       tells the client to stop sending; the connection's other streams go on.</li>
 * </ul>
 */
final class UnreadBodies {
    /** The most body bytes read and thrown away to keep an HTTP/1.x connection. */
    static final long DISCARD_LIMIT_BYTES = 64 * 1024;

    private UnreadBodies() {
    }

    /**
     * @param request  whose body is unread or partly read, paused or not
     * @param answered the answer's {@code end()}: the connection is closed or the stream reset only after it
     * @param readSoFar body bytes already read
     */
    static void drop(HttpServerRequest request, Future<Void> answered, long readSoFar) {
        if (request.isEnded()) {
            return;
        }
        if (request.version() == HttpVersion.HTTP_2) {
            answered.onComplete(written -> request.response().reset(0));
            return;
        }
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean smallRest = declared != null && declared.matches("\\d{1,18}")
                && Long.parseLong(declared) - readSoFar <= DISCARD_LIMIT_BYTES;
        if (!smallRest) {
            answered.onComplete(written -> request.connection().close());
            return;
        }
        request.handler(ignored -> { });
        request.exceptionHandler(ignored -> { });
        request.endHandler(ignored -> { });
        request.resume();
    }
}
