package io.storycast.gateway.fanout;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * Where a worker's bulk lane runs: a Vert.x event-loop context of its own, on another event loop (thread)
 * than the worker's, from Vert.x's event-loop pool ({@code 2 x cores} loops by default, shared with the HTTP
 * verticles and the rest of the process).
 *
 * <p>Vert.x's public API gives a verticle only its own context, and a verticle deployed as a child would be
 * stopped before its parent, so before the worker has drained the stories that still use the bulk
 * connection. The context therefore comes from Vert.x's internal API ({@link VertxInternal}, as the Redis
 * client uses it), and the worker owns its lifecycle: it closes the bulk lane's connections on the bulk
 * lane's context after its drain.
 */
final class BulkLoop {
    private static final Logger LOG = LoggerFactory.getLogger(BulkLoop.class);

    private BulkLoop() {
    }

    /**
     * @param worker the worker's context
     * @return a new event-loop context on another event loop than {@code worker}'s; {@code worker} itself only
     *         when Vert.x has a single event loop
     */
    static Context contextBeside(Vertx vertx, Context worker) {
        Objects.requireNonNull(worker, "worker");
        VertxInternal internal = (VertxInternal) Objects.requireNonNull(vertx, "vertx");
        EventLoop own = ((ContextInternal) worker).nettyEventLoop();
        int loops = 0;
        for (Object loop : internal.nettyEventLoopGroup()) {
            loops++;
        }
        // Vert.x hands out its loops in turn: within as many tries as it has loops, one is another than ours.
        for (int tries = 0; tries < loops; tries++) {
            ContextInternal candidate = internal.createEventLoopContext();
            if (candidate.nettyEventLoop() != own) {
                return candidate;
            }
        }
        return worker;
    }

    /** Logs which threads a worker and its bulk lane run on. Call it on the worker's context. */
    static void logPlacement(int workerIndex, Context bulk) {
        String workerThread = Thread.currentThread().getName();
        bulk.runOnContext(started -> LOG.info("fan-out worker {} runs on {}, its bulk lane on {}", workerIndex,
                workerThread, Thread.currentThread().getName()));
    }
}
