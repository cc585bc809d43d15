package io.storycast.gateway.media;

import io.storycast.gateway.http.InFlightLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The process's transcoding capacity: a pool of {@code media.workers} threads (never an event loop) and a
 * bound of {@code media.maxJobs} uploads admitted and not yet finished, counted from the moment an
 * upload starts to arrive. {@link #tryAdmit()} answers at once (false when full, and the route answers
 * 503), so nothing waits without bound. Thread-safe: shared by every HTTP event loop.
 */
public final class MediaJobs implements AutoCloseable {
    private final WorkerExecutor workers;
    private final InFlightLimiter admitted;

    /**
     * @param workers          transcoding threads, at least 1
     * @param maxJobs          uploads admitted at once, at least 1
     * @param maxJobMillis     how long a job may run before Vert.x warns of a blocked worker
     */
    public MediaJobs(Vertx vertx, int workers, int maxJobs, long maxJobMillis) {
        this.workers = Objects.requireNonNull(vertx, "vertx")
                .createSharedWorkerExecutor("storycast-media", workers, maxJobMillis, TimeUnit.MILLISECONDS);
        this.admitted = new InFlightLimiter(maxJobs);
    }

    /** @return true when the upload is admitted (call {@link #finish()} once it is done), false when full */
    public boolean tryAdmit() {
        return admitted.tryAcquire();
    }

    /** Gives back an admitted upload's place. */
    public void finish() {
        admitted.release();
        if (admitted.inFlight() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** @return uploads admitted and not finished */
    public int admitted() {
        return admitted.inFlight();
    }

    /**
     * Waits (blocking: for the shutdown thread, never an event loop) until no upload is admitted, so jobs
     * finish and record their outcome before the event loops stop.
     *
     * @return whether it became idle within {@code timeoutMillis}
     */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (this) {
            while (admitted.inFlight() > 0) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        }
        return true;
    }

    /** Runs blocking work on the media workers; the future completes on the caller's context. */
    public <T> Future<T> run(Callable<T> work) {
        return workers.executeBlocking(work, false);
    }

    @Override
    public void close() {
        workers.close();
    }
}
