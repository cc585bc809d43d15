package io.storycast.gateway.testing;

import io.storycast.gateway.StorycastGateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway in a process of its own (the main class the jar runs, on the test class path), for tests that
 * stop or kill it. Its log is copied to the test's output and kept for assertions; it is ready once it
 * logs the port it listens on (waited for on the log, with a deadline, not on a clock).
 */
public final class ForkedGateway implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final List<String> log = new ArrayList<>();
    private final Thread logReader;
    private final int port;

    private ForkedGateway(Process process, String name) {
        this.process = process;
        this.logReader = new Thread(this::copyLog, "log of " + name);
        this.logReader.setDaemon(true);
        this.logReader.start();
        this.port = awaitListeningPort();
    }

    /**
     * Starts a gateway process with the test configuration ({@link TestGateway#environment}) and waits
     * until it listens.
     *
     * @param name      shown before each line of its log
     * @param overrides extra {@code STORYCAST_*} settings
     */
    public static ForkedGateway start(String name, String redisUrl, Map<String, String> overrides) {
        return start(name, redisUrl, overrides, List.of("-Xmx512m"));
    }

    /** @param jvmOptions the process's JVM options, e.g. {@code -Xmx192m} */
    public static ForkedGateway start(String name, String redisUrl, Map<String, String> overrides, List<String> jvmOptions) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), StorycastGateway.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(TestGateway.environment(redisUrl, overrides));
        try {
            Process process = builder.start();
            try {
                return new ForkedGateway(process, name);
            } catch (RuntimeException | Error e) {
                process.destroyForcibly();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Process process() {
        return process;
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** @return the log so far, one line per element */
    public List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Kills the process with SIGKILL: no shutdown hook, no drain, as a crash would. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the gateway process did not die");
        }
    }

    /** Waits for the log reader to reach the end of the log (after the process ended). */
    public void awaitLogEnd() throws InterruptedException {
        logReader.join(10_000);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void copyLog() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                System.out.println("[" + logReader.getName() + "] " + line);
                synchronized (log) {
                    log.add(line);
                    log.notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (log) {
                log.add("log reader failed: " + e);
            }
        }
    }

    private int awaitListeningPort() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (log) {
            while (true) {
                for (String line : log) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        return Integer.parseInt(matcher.group(1));
                    }
                }
                long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMillis <= 0 || !process.isAlive() && !logReader.isAlive()) {
                    throw new AssertionError("the gateway did not start listening:\n" + String.join("\n", log));
                }
                try {
                    log.wait(Math.min(remainingMillis, 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while the gateway started", e);
                }
            }
        }
    }
}
