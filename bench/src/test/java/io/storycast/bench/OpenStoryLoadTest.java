package io.storycast.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open-model story load against a real loopback HTTP server that answers every post 202 only after
 * {@value #ANSWER_MILLIS} ms, longer than the load runs: whatever the load sends, it sends while nothing has been
 * answered, so the bound on requests in flight decides how many reach the server.
 */
class OpenStoryLoadTest {
    private static final long ANSWER_MILLIS = 600;
    private static final double SECONDS = 0.25;
    private static final double RATE = 200;

    private final AtomicInteger received = new AtomicInteger();
    private Vertx vertx;
    private HttpServer server;
    private HttpClient http;

    @BeforeEach
    void startServer() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            received.incrementAndGet();
            vertx.setTimer(ANSWER_MILLIS, late -> request.response().setStatusCode(202).end());
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()),
                new PoolOptions().setHttp1MaxSize(200));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void sendsNoMoreThanMaxOutstandingAndCountsTheStoriesItDidNotSend() throws Exception {
        OpenStoryLoad load = new OpenStoryLoad(vertx, http, 0, 5);

        OpenStoryLoad.Sent sent = load.run("bounded", List.of("author-1"), RATE, SECONDS, () -> true);

        assertThat(received).as("requests that reached the server").hasValue(5);
        assertThat(sent.accepted()).hasSize(5);
        assertThat(sent.refused()).isZero();
        assertThat(sent.unsent()).as("the stories that fell due while 5 were unanswered").isPositive();
        assertThat(sent.failed()).isEqualTo(sent.unsent());
    }

    @Test
    void sendsEveryStoryWhenTheBoundIsNotReached() throws Exception {
        OpenStoryLoad load = new OpenStoryLoad(vertx, http, 0, 1000);

        OpenStoryLoad.Sent sent = load.run("unbounded", List.of("author-1"), RATE, SECONDS, () -> true);

        assertThat(sent.unsent()).isZero();
        assertThat(sent.accepted()).hasSizeGreaterThan(5).hasSize(received.get());
    }
}
