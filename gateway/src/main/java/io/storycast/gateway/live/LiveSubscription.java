package io.storycast.gateway.live;

import io.storycast.gateway.config.RedisConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * This process's subscription to its live channels: one plain connection in pub/sub mode, to the configured
 * server or, on a Redis Cluster, to one of its seed nodes (a cluster carries every published message to every node,
 * so any node will do; a failed one is replaced by the next seed). When the connection breaks, messages published
 * meanwhile are lost, so {@code onLost} is told (the hub cuts its connections off with a resume hint: they resume
 * from the tray and lose nothing), and the subscription is made again with a growing pause (100 ms to 5 s).
 *
 * <p>Redis itself bounds what waits for this subscriber ({@code client-output-buffer-limit pubsub}, 32 MB by
 * default): a process that cannot keep up is disconnected, which is a lost subscription like any other.
 *
 * <p>Not thread-safe: runs on the hub's event loop, except {@link #subscribed()}, which any thread may call.
 */
final class LiveSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSubscription.class);
    private static final long FIRST_PAUSE_MILLIS = 100;
    private static final long LONGEST_PAUSE_MILLIS = 5000;

    private final Vertx vertx;
    private final List<String> seeds;
    private final long timeoutMillis;
    private final List<String> channels;
    private final Handler<Buffer> onMessage;
    private final Handler<Void> onLost;

    private Redis client;
    private RedisConnection connection;
    private int seed;
    private long pauseMillis = FIRST_PAUSE_MILLIS;
    /** Counts attempts to subscribe, and ends one when it fails: a failure of an ended attempt is ignored. */
    private int attempt;
    /** Written on the hub's event loop, read by the HTTP event loops ({@link LiveHub#ready()}). */
    private volatile boolean subscribed;
    private boolean closed;

    /**
     * @param url       the configured Redis URL (a cluster's seeds separated by commas)
     * @param channels  the channels to subscribe to
     * @param onMessage a message published on one of them
     * @param onLost    the subscription broke after it had been made (messages may have been missed)
     */
    LiveSubscription(Vertx vertx, RedisConfig config, String url, List<String> channels, Handler<Buffer> onMessage,
                     Handler<Void> onLost) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.seeds = RedisConfig.seedUrls(Objects.requireNonNull(url, "url"));
        this.timeoutMillis = config.commandTimeoutMillis();
        this.channels = List.copyOf(channels);
        this.onMessage = Objects.requireNonNull(onMessage, "onMessage");
        this.onLost = Objects.requireNonNull(onLost, "onLost");
    }

    /** @return whether messages are being received now; any thread */
    boolean subscribed() {
        return subscribed;
    }

    /** Subscribes; succeeds once subscribed, and keeps trying in the background after a failure. */
    Future<Void> start() {
        Promise<Void> first = Promise.promise();
        subscribe(first);
        return first.future();
    }

    private void subscribe(Promise<Void> first) {
        if (closed) {
            return;
        }
        int mine = ++attempt;
        String url = seeds.get(seed % seeds.size());
        Redis opening = Redis.createClient(vertx, new RedisOptions().setConnectionString(url)
                .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) timeoutMillis).setTcpNoDelay(true)
                        .setTcpKeepAlive(true)));
        client = opening;
        opening.connect().compose(opened -> {
            if (closed) {
                opened.close();
                return Future.failedFuture("no longer subscribing");
            }
            connection = opened;
            opened.handler(this::received);
            opened.exceptionHandler(failure -> failed(mine, opening, failure.toString()));
            opened.endHandler(ended -> failed(mine, opening, "connection closed"));
            Request subscribe = Request.cmd(Command.SUBSCRIBE);
            channels.forEach(subscribe::arg);
            return opened.send(subscribe).timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        }).onSuccess(done -> {
            if (mine != attempt || closed) {
                return; // the connection broke before this answer was handled: that failure retries
            }
            subscribed = true;
            pauseMillis = FIRST_PAUSE_MILLIS;
            LOG.info("live: subscribed to {} at {}", channels, url);
            if (first != null) {
                first.tryComplete();
            }
        }).onFailure(failure -> {
            if (first != null) {
                first.tryFail(failure);
            }
            failed(mine, opening, "cannot subscribe at " + url + ": " + failure);
        });
    }

    /**
     * Attempt {@code mine} failed: closes its connection and tries again later. An attempt can fail twice (its
     * connection ends while its {@code SUBSCRIBE} waits, which then fails too): only the first one counts, so exactly
     * one attempt follows and no older connection stays subscribed beside the new one.
     */
    private void failed(int mine, Redis opening, String why) {
        if (mine != attempt || closed) {
            return;
        }
        attempt++;
        boolean wasSubscribed = subscribed;
        subscribed = false;
        RedisConnection broken = connection;
        connection = null;
        if (broken != null) {
            broken.close();
        }
        opening.close();
        LOG.warn("live: the subscription failed ({}); subscribing again in {} ms", why, pauseMillis);
        if (wasSubscribed) {
            onLost.handle(null);
        }
        seed++;
        retryLater();
    }

    private void received(Response message) {
        // [message, channel, payload]: a RESP3 push or, under RESP2, an array; subscribe confirmations are skipped.
        if ((message.type() == ResponseType.PUSH || message.type() == ResponseType.MULTI) && message.size() == 3
                && "message".equals(message.get(0).toString())) {
            onMessage.handle(message.get(2).toBuffer());
        }
    }

    private void retryLater() {
        if (closed) {
            return;
        }
        long pause = pauseMillis;
        pauseMillis = Math.min(LONGEST_PAUSE_MILLIS, pauseMillis * 2);
        vertx.setTimer(pause, tick -> subscribe(null));
    }

    Future<Void> close() {
        closed = true;
        subscribed = false;
        RedisConnection current = connection;
        connection = null;
        Future<Void> closing = current == null ? Future.succeededFuture() : current.close();
        return closing.eventually(() -> client == null ? Future.succeededFuture() : client.close());
    }
}
