package io.storycast.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server in a JVM of its own ({@link BareEndpoint}, started from the test class path as the comparisons start it
 * from the benchmarks jar): its port is the one it logs, and it never outlives the JVM that started it.
 */
class GatewayProcessTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void answersOnThePortItLoggedAndStopsOnClose(@TempDir Path folder) throws Exception {
        ProcessHandle handle;
        try (GatewayProcess bare = GatewayProcess.startBareEndpoint("", 1, folder.resolve("bare.log"))) {
            handle = bare.handle();
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + bare.port() + "/v1/stories"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(202);
            assertThatThrownBy(bare::metricsPort).as("the bare endpoint has no management listener")
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(handle.isAlive()).isFalse();
    }

    @Test
    void aSigtermOfTheJvmThatStartedTheServerStopsTheServer(@TempDir Path folder) throws Exception {
        Process parent = new ProcessBuilder(JAVA, "-cp", System.getProperty("java.class.path"),
                HoldsABareEndpoint.class.getName(), folder.resolve("bare.log").toString()).redirectErrorStream(true).start();
        ProcessHandle child = null;
        try {
            child = ProcessHandle.of(childPid(parent).get(60, TimeUnit.SECONDS)).orElseThrow();
            assertThat(child.isAlive()).isTrue();

            parent.destroy(); // SIGTERM to the parent alone, as kill <pid> sends it: the child gets nothing from the system

            assertThat(parent.waitFor(90, TimeUnit.SECONDS)).as("the parent exited").isTrue();
            child.onExit().get(30, TimeUnit.SECONDS);
            assertThat(child.isAlive()).as("the server the parent started").isFalse();
        } finally {
            parent.destroyForcibly();
            if (child != null) {
                child.destroyForcibly();
            }
        }
    }

    /** @return the pid the parent prints ({@code child <pid>}), read from its output on a thread of its own */
    private static CompletableFuture<Long> childPid(Process parent) {
        return CompletableFuture.supplyAsync(() -> {
            try (BufferedReader output = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder seen = new StringBuilder();
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    if (line.startsWith("child ")) {
                        return Long.parseLong(line.substring("child ".length()).trim());
                    }
                    seen.append(line).append('\n');
                }
                throw new IllegalStateException("the parent exited without starting the server:\n" + seen);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
