package io.storycast.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs asynchronous work on one Vert.x event loop and waits for its answer from a benchmark thread: the
 * gateway's Redis clients belong to one event loop ({@code PipelinedRedis} is not thread-safe), so a JMH
 * thread hands each operation over. The hand-over is part of every measured operation, the same for
 * every variant compared.
 */
final class OnEventLoop {
    private static final long TIMEOUT_SECONDS = 60;

    private final Context context;

    /** @param context an event-loop context; everything run through this instance runs on it */
    OnEventLoop(Context context) {
        this.context = Objects.requireNonNull(context, "context");
        if (!context.isEventLoopContext()) {
            throw new IllegalArgumentException("not an event-loop context");
        }
    }

    /**
     * @return the answer of {@code operation}, started on the event loop
     * @throws Exception the operation's failure, or a timeout after a minute
     */
    <T> T await(Supplier<Future<T>> operation) throws Exception {
        Promise<T> answered = Promise.promise();
        context.runOnContext(ignored -> operation.get().onComplete(answered));
        return answered.future().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
