package io.storycast.gateway.live;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes the TCP connection of a cut-off client that does not read (an HTTP/1.1 SSE stream, or a WebSocket upgraded
 * from one) at once, dropping what it has not taken.
 *
 * <p>Vert.x's own closes wait for that: an HTTP/1.1 connection writes its pending bytes before it closes, and a
 * WebSocket writes its close frame, then waits for the client's answer. Behind bytes a client never reads, both wait
 * forever, holding the socket and everything queued for it. So the channel is closed below Vert.x's handler, at the
 * start of Netty's pipeline. Vert.x offers no public way to do that; this reaches its connection class, whose
 * {@code channel()} Vert.x 5 keeps public (a Vert.x upgrade that changes it fails {@code LiveLimitsTest}'s cut-off
 * tests, and this falls back to Vert.x's close).
 */
final class ConnectionCloser {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCloser.class);
    private static final AtomicBoolean FELL_BACK = new AtomicBoolean();

    private ConnectionCloser() {
    }

    /** Closes the connection's socket now; any thread. */
    static void closeNow(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            // From the first handler's context the close goes to the pipeline's head, which closes the socket.
            base.channel().pipeline().firstContext().close();
        } else {
            if (FELL_BACK.compareAndSet(false, true)) {
                LOG.warn("live: this Vert.x's connections are not {}: cut-off clients that stop reading are closed by "
                        + "Vert.x's own close, which waits for them (their sockets may stay open)", ConnectionBase.class.getName());
            }
            connection.close();
        }
    }
}
