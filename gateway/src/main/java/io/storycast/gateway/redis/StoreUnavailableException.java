package io.storycast.gateway.redis;

import io.vertx.core.Future;

/**
 * Redis did not do what was asked: an error reply, a timeout, a full pending queue or a broken
 * connection. Stores wrap every Redis call's failure in it ({@link #onFailure}), so the HTTP layer
 * answers these with 503 and {@code Retry-After}, and anything else (a bug) with 500.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(Throwable cause) {
        super("Redis did not answer in time or failed: " + cause, cause, false, false);
    }

    /** @return {@code call}, with a failure wrapped in a {@link StoreUnavailableException} */
    public static <T> Future<T> onFailure(Future<T> call) {
        return call.recover(cause -> Future.failedFuture(new StoreUnavailableException(cause)));
    }
}
