package io.storycast.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * What becomes of a request body the gateway answered without reading all of it (an upload refused
 * before or while it was read: 409, 413, 503). Left alone, the request would stay paused and its
 * connection stuck: Vert.x serves the next HTTP/1.1 request on a connection only once this one's body is
 * in. Closing at once is no better: the client's unread bytes make the kernel reset the connection, and a
 * client still sending often loses the answer with it.
 *
 * <ul>
 *   <li>HTTP/1.x: the rest is read and thrown away for at most {@link #LINGER_MILLIS}, as nginx's
 *       lingering close does. A body that ends within it keeps the connection for the next request; past
 *       it the connection is closed, so a client that keeps sending cannot hold it.</li>
 *   <li>HTTP/2: the stream is reset with {@code NO_ERROR} after the answer (RFC 9113, section 8.1), which
 *       tells the client to stop sending; the connection's other streams go on.</li>
 * </ul>
 */
final class UnreadBodies {
    /** Longest the rest of a refused HTTP/1.x body is read and thrown away before the connection is closed. */
    static final long LINGER_MILLIS = 5_000;

    private UnreadBodies() {
    }

    /**
     * @param context  the request whose body is unread or partly read, paused or not
     * @param answered the answer's {@code end()}: an HTTP/2 stream is reset only after it
     */
    static void drop(RoutingContext context, Future<Void> answered) {
        HttpServerRequest request = context.request();
        if (request.isEnded()) {
            return;
        }
        if (request.version() == HttpVersion.HTTP_2) {
            answered.onComplete(written -> request.response().reset(0));
            return;
        }
        long linger = context.vertx().setTimer(LINGER_MILLIS, expired -> request.connection().close());
        request.handler(ignored -> { });
        request.exceptionHandler(ignored -> context.vertx().cancelTimer(linger)); // the connection broke first
        request.endHandler(ended -> context.vertx().cancelTimer(linger));
        request.resume();
    }
}
