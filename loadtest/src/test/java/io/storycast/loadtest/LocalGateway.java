package io.storycast.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway this JVM starts for the length of a run: the fat jar ({@code java -jar storycast-gateway.jar}) in
 * a process of its own, with its embedded Redis, free loopback ports and its data in a fresh folder. It is
 * ready once its log says which port it listens on (waited for with a deadline); its log is copied to
 * {@code gateway.log} in that folder. {@link #close} stops it with SIGTERM (a graceful drain), and kills it
 * if it has not stopped within 30 s; a shutdown hook does the same if the run ends another way.
 */
final class LocalGateway implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[^ ]+:\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics on (http://[^ ]+:\\d+)/metrics");
    private static final long START_TIMEOUT_SECONDS = 90;

    private final Process process;
    private final Path folder;
    private final CompletableFuture<String> baseUrl = new CompletableFuture<>();
    private final CompletableFuture<String> metricsUrl = new CompletableFuture<>();
    private final List<String> lastLines = new ArrayList<>();
    private final Thread shutdownHook;

    private LocalGateway(Process process, Path folder) {
        this.process = process;
        this.folder = folder;
        Thread logCopier = new Thread(this::copyLog, "local gateway log");
        logCopier.setDaemon(true);
        logCopier.start();
        this.shutdownHook = new Thread(this::stop, "local gateway stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts the jar and waits until it listens.
     *
     * @param jar         the gateway's fat jar
     * @param folder      its working folder, created if missing: the embedded Redis's data, the media store, the log
     * @param environment extra {@code STORYCAST_*} settings, over the ones that make it local (ports 0)
     * @param jvmOptions  e.g. {@code -Xmx512m}
     * @throws IllegalStateException when the jar is missing, or the gateway exits or stays silent past the deadline
     */
    static LocalGateway start(Path jar, Path folder, Map<String, String> environment, List<String> jvmOptions) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("gateway jar " + jar.toAbsolutePath() + " not found: build it first with "
                    + "'mvn -q -DskipTests package -pl gateway -am' (mvn verify at the root builds it before the smoke)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        try {
            Files.createDirectories(folder);
            ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            env.put("STORYCAST_HTTP_HOST", "127.0.0.1");
            env.put("STORYCAST_HTTP_PORT", "0");
            env.put("STORYCAST_METRICS_PORT", "0");
            env.put("STORYCAST_REDIS_EMBEDDED_DATA_DIR", folder.resolve("redis").toAbsolutePath().toString());
            env.put("STORYCAST_MEDIA_STORE_DIR", folder.resolve("media").toAbsolutePath().toString());
            env.putAll(environment);
            LocalGateway gateway = new LocalGateway(builder.start(), folder);
            try {
                gateway.awaitListening();
                return gateway;
            } catch (RuntimeException e) {
                gateway.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gateway jar " + jar, e);
        }
    }

    /** @return e.g. {@code http://127.0.0.1:41234} */
    String baseUrl() {
        return baseUrl.join();
    }

    /** @return the management listener's base URL, or null when the gateway runs without one */
    String metricsUrl() {
        return metricsUrl.getNow(null);
    }

    private void awaitListening() {
        try {
            baseUrl.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("the local gateway did not say it listens within " + START_TIMEOUT_SECONDS
                    + " s; its last lines:\n" + String.join("\n", lastLines()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the local gateway started", e);
        }
    }

    private void copyLog() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter log = new PrintWriter(Files.newBufferedWriter(folder.resolve("gateway.log"), StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.println(line);
                remember(line);
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    baseUrl.complete(listening.group(1));
                }
                Matcher metrics = METRICS.matcher(line);
                if (metrics.find()) {
                    metricsUrl.complete(metrics.group(1));
                }
            }
        } catch (IOException e) {
            remember("(log copy failed: " + e + ")");
        }
        baseUrl.completeExceptionally(new IllegalStateException("the gateway exited"));
    }

    private void remember(String line) {
        synchronized (lastLines) {
            lastLines.add(line);
            if (lastLines.size() > 40) {
                lastLines.remove(0);
            }
        }
    }

    private List<String> lastLines() {
        synchronized (lastLines) {
            return List.copyOf(lastLines);
        }
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: nothing left to undo
        }
    }
}
