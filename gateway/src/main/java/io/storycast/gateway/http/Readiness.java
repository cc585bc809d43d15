package io.storycast.gateway.http;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the process should receive traffic: false until start-up completes and again from the moment
 * shutdown begins, so a load balancer polling {@code /readyz} drains the instance before it stops.
 */
public final class Readiness {
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();

    public void markStarted() {
        started.set(true);
    }

    public void markDraining() {
        draining.set(true);
    }

    public boolean isDraining() {
        return draining.get();
    }

    /** @return true when started and not draining */
    public boolean acceptsTraffic() {
        return started.get() && !draining.get();
    }
}
