package io.storycast.gateway.live;

import io.storycast.gateway.config.ConfigLoader;
import io.storycast.gateway.config.RedisConfig;
import io.storycast.gateway.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.storycast.gateway.testing.TestRedis.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The process's pub/sub subscription on a real Redis, reached through a loopback TCP relay that can break the
 * subscription's connection at the moment a test needs: a broken connection is replaced by exactly one subscription.
 */
class LiveSubscriptionTest {
    private static final String CHANNEL = "storycast:live:test";
    private static final RedisConfig CONFIG = new ConfigLoader().load(null, Map.of()).redis();

    private TestRedis redis;
    private Vertx vertx;
    private Relay relay;

    @BeforeEach
    void start() throws IOException {
        redis = TestRedis.standalone();
        vertx = Vertx.vertx();
        URI server = URI.create(redis.url());
        relay = new Relay(server.getHost(), server.getPort());
    }

    @AfterEach
    void stop() throws IOException {
        relay.close();
        vertx.close().await();
        redis.close();
    }

    @Test
    void aConnectionResetRightAfterItsHandshakeIsReplacedByExactlyOneSubscription() {
        relay.resetFirstAfterHandshake = true;
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicInteger lost = new AtomicInteger();
        Context hub = vertx.getOrCreateContext();
        LiveSubscription subscription = new LiveSubscription(vertx, CONFIG, "redis://127.0.0.1:" + relay.port(),
                List.of(CHANNEL), payload -> received.add(payload.toString()), none -> lost.incrementAndGet());
        hub.runOnContext(v -> subscription.start());

        await().atMost(Duration.ofSeconds(20)).until(subscription::subscribed);
        // A second subscription for the same failure would come after the first retry's pause and the SUBSCRIBE's
        // timeout (1 s); for longer than that the channel keeps one subscriber.
        await().failFast("the channel has more than one subscriber", () -> subscribers() > 1)
                .during(Duration.ofMillis(3 * CONFIG.commandTimeoutMillis())).atMost(Duration.ofSeconds(20))
                .until(() -> subscribers() == 1);
        assertThat(relay.accepted.get()).as("connections made: the reset one and its one replacement").isEqualTo(2);
        assertThat(await(redis.api().publish(CHANNEL, "once")).toLong()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> received.contains("once"));
        assertThat(received).containsExactly("once");
        // Whether the first SUBSCRIBE was answered before the reset depends on the relay's threads: told once at most.
        assertThat(lost.get()).as("losses told").isLessThanOrEqualTo(1);
        hub.runOnContext(v -> subscription.close());
    }

    private long subscribers() {
        return await(redis.api().send(Command.PUBSUB, "NUMSUB", CHANNEL)).get(1).toLong();
    }

    /**
     * Relays loopback TCP connections to the Redis server, byte for byte; when asked, the first connection is reset
     * (RST, no FIN) right after the server's first answer reached it: the client's handshake completes and its next
     * write meets a reset connection.
     */
    private static final class Relay implements AutoCloseable {
        final AtomicInteger accepted = new AtomicInteger();
        volatile boolean resetFirstAfterHandshake;
        private final String host;
        private final int serverPort;
        private final ServerSocket listener;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Relay(String host, int serverPort) throws IOException {
            this.host = host;
            this.serverPort = serverPort;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::acceptAll, "relay-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void acceptAll() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    int number = accepted.incrementAndGet();
                    Socket server = new Socket(host, serverPort);
                    sockets.add(client);
                    sockets.add(server);
                    boolean reset = number == 1 && resetFirstAfterHandshake;
                    pump(client, server, false);
                    pump(server, client, reset);
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void pump(Socket from, Socket to, boolean resetAfterFirstAnswer) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        out.write(buffer, 0, n);
                        out.flush();
                        if (resetAfterFirstAnswer) {
                            to.setSoLinger(true, 0); // close with a reset
                            to.close();
                            from.close();
                            return;
                        }
                    }
                } catch (IOException closed) {
                    // either side went: so does the other
                } finally {
                    try {
                        to.close();
                        from.close();
                    } catch (IOException ignored) {
                        // nothing left to close
                    }
                }
            }, "relay-pump");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
