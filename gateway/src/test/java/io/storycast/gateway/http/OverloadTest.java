package io.storycast.gateway.http;

import io.storycast.gateway.testing.StoryEvents;
import io.storycast.gateway.testing.TestGateway;
import io.storycast.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.storycast.gateway.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The in-flight bound answers 429 with Retry-After instead of queueing, and frees its slot afterwards. */
class OverloadTest {
    private static TestRedis redis;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        redis = new TestRedis();
        gateway = TestGateway.start(redis.url(), Map.of(
                "STORYCAST_HTTP_MAX_IN_FLIGHT_REQUESTS", "1",
                "STORYCAST_INGEST_RETRY_AFTER_SECONDS", "7"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
    }

    @Test
    void refusesRequestsPastTheInFlightBoundWith429AndRetryAfter() throws Exception {
        String event = StoryEvents.valid().encode();
        byte[] body = event.getBytes(StandardCharsets.UTF_8);
        try (Socket slow = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = slow.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.ISO_8859_1));
            // Headers only, asking for 100 Continue: the gateway answers it once the request holds its slot
            // and the body handler starts reading, which is the moment to send the competing request.
            out.write(("POST /v1/stories HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + TestGateway.PRODUCER_KEY + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                    + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(in.readLine()).isEmpty();

            HttpResponse<String> refused = gateway.postStories("application/json", StoryEvents.valid().encode());

            assertProblem(refused, 429, "overloaded");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("7");

            out.write(body);
            out.flush();
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 202 Accepted");
        }

        HttpResponse<String> afterwards = gateway.postStories("application/json", StoryEvents.valid().encode());
        assertThat(afterwards.statusCode()).isEqualTo(202);
    }

    @Test
    void freesTheSlotOfEveryAnsweredRequest() {
        // With a bound of 1, a producer sending one request after another must never see 429: a slot not
        // given back would refuse every later request. (The race of a release that lags behind the written
        // answer, fixed in InFlightLimitHandler, was seen once in CI and is too narrow to provoke here.)
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> response = gateway.postStories("application/json", StoryEvents.valid().encode());
            assertThat(response.statusCode()).as("request %d: %s", i, response.body()).isEqualTo(202);
        }
    }
}
