package io.storycast.gateway.media;

import io.vertx.core.Context;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;

/**
 * The bytes of uploads held in memory at once, across the process ({@code media.maxBufferedBytes}). An
 * upload reserves before it reads: all its {@code Content-Length} at once when declared, else chunk by
 * chunk. When the memory is taken the request stays paused (TCP pushes back on the client) and its
 * reservation waits in line, first come first served, until bytes are released or its wait runs out.
 * Nothing blocks: {@link #tryReserve} answers at once, and a waiter is called back on its own context.
 * Thread-safe.
 */
public final class UploadMemory {
    /** A reservation waiting in line; {@link #cancel()} takes it out (on a timeout). */
    public final class Waiter {
        private final long bytes;
        private final Context context;
        private final Runnable granted;

        private Waiter(long bytes, Context context, Runnable granted) {
            this.bytes = bytes;
            this.context = context;
            this.granted = granted;
        }

        /** @return true when it was still waiting (it will not be granted now); false when already granted */
        public boolean cancel() {
            synchronized (UploadMemory.this) {
                return waiters.remove(this);
            }
        }
    }

    private final long capacityBytes;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private long reservedBytes;

    /** @param capacityBytes the bytes all uploads may hold at once, at least 1 */
    public UploadMemory(long capacityBytes) {
        if (capacityBytes < 1) {
            throw new IllegalArgumentException("capacityBytes must be at least 1, was " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /** @return true when the bytes were reserved; false when they do not fit now or others wait before them */
    public synchronized boolean tryReserve(long bytes) {
        if (!waiters.isEmpty() || reservedBytes + bytes > capacityBytes) {
            return false;
        }
        reservedBytes += bytes;
        return true;
    }

    /**
     * Queues a reservation; {@code granted} runs on {@code context} once the bytes are reserved for it.
     *
     * @param bytes at most the capacity
     */
    public synchronized Waiter whenAvailable(long bytes, Context context, Runnable granted) {
        if (bytes > capacityBytes) {
            throw new IllegalArgumentException(bytes + " bytes can never fit in " + capacityBytes);
        }
        Waiter waiter = new Waiter(bytes, Objects.requireNonNull(context, "context"), Objects.requireNonNull(granted, "granted"));
        waiters.add(waiter);
        grantWaiting();
        return waiter;
    }

    /** Gives back reserved bytes and grants the waiters that now fit, in order. */
    public synchronized void release(long bytes) {
        reservedBytes -= bytes;
        grantWaiting();
    }

    /** @return bytes reserved now */
    public synchronized long reservedBytes() {
        return reservedBytes;
    }

    private void grantWaiting() {
        Iterator<Waiter> next = waiters.iterator();
        while (next.hasNext()) {
            Waiter waiter = next.next();
            if (reservedBytes + waiter.bytes > capacityBytes) {
                return; // first come, first served: a large reservation is not overtaken forever
            }
            next.remove();
            reservedBytes += waiter.bytes;
            waiter.context.runOnContext(ignored -> waiter.granted.run());
        }
    }
}
