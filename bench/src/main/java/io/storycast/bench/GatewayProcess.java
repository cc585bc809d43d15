package io.storycast.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway fat jar in its own JVM, as it is deployed, or another server of the benchmarks (the bare
 * endpoint) in its own JVM the same way; its log goes to a file beside the results. Either is ready once
 * it logs {@code listening on http://host:port}; both ports are the server's own choice (port 0), read from
 * its log, so no other process can take them between a choice and a start. The gateway logs its management
 * listener ({@code metrics on http://host:port/metrics}) before it logs that it listens.
 *
 * <p>A shutdown hook stops the process, and then whatever it started (the gateway's embedded Redis, when it
 * runs one), when this JVM exits without {@link #close()}: a Ctrl-C of a benchmark leaves nothing running.
 */
final class GatewayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics on http://[^:]+:(\\d+)/metrics");
    /** How long the process may take to stop after SIGTERM (the gateway drains) before it is killed, seconds. */
    private static final long STOP_SECONDS = 60;

    private final Process process;
    private final int port;
    private final int metricsPort;
    private final Thread stopOnExit;

    private GatewayProcess(Process process, int port, int metricsPort, Thread stopOnExit) {
        this.process = process;
        this.port = port;
        this.metricsPort = metricsPort;
        this.stopOnExit = stopOnExit;
    }

    /**
     * @param jvmArguments extra JVM options (e.g. a flight recording), whitespace separated; may be empty
     */
    static GatewayProcess start(Path jar, String jvmArguments, Map<String, String> environment, Path logFile) throws Exception {
        List<String> command = java(jvmArguments);
        command.add("-jar");
        command.add(jar.toString());
        Map<String, String> settings = new HashMap<>();
        // The benchmarks' stories name media nobody uploads: they measure the fan-out, not the wait for media.
        settings.put("STORYCAST_FANOUT_AWAIT_MEDIA", "false");
        settings.put("STORYCAST_METRICS_PORT", "0"); // a free management port, chosen by the gateway: never a clash
        settings.putAll(environment);
        return launch(command, settings, logFile);
    }

    /**
     * {@link BareEndpoint} in a JVM of its own, started from this JVM's class path (the benchmarks jar).
     *
     * @param jvmArguments the same extra JVM options the gateway got, whitespace separated; may be empty
     * @param instances    its HTTP event loops: as many as the gateway's
     */
    static GatewayProcess startBareEndpoint(String jvmArguments, int instances, Path logFile) throws Exception {
        List<String> command = java(jvmArguments);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareEndpoint.class.getName(),
                "--instances", Integer.toString(instances)));
        return launch(command, Map.of(), logFile);
    }

    private static List<String> java(String jvmArguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String argument : jvmArguments.trim().split("\\s+")) {
            if (!argument.isEmpty()) {
                command.add(argument);
            }
        }
        return command;
    }

    private static GatewayProcess launch(List<String> command, Map<String, String> environment, Path logFile)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        Thread stopOnExit = new Thread(() -> stop(process), "gateway-stop-on-exit");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        int[] metricsPort = {-1}; // written by the log reader before it completes port
        Thread reader = new Thread(() -> {
            try (BufferedReader log = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 var out = Files.newBufferedWriter(logFile)) {
                for (String line = log.readLine(); line != null; line = log.readLine()) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    Matcher metrics = METRICS.matcher(line);
                    if (!port.isDone() && metrics.find()) {
                        metricsPort[0] = Integer.parseInt(metrics.group(1));
                    }
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        port.complete(Integer.parseInt(matcher.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("the server exited before listening; see " + logFile));
        }, "gateway-log");
        reader.setDaemon(true);
        reader.start();
        try {
            int listening = port.get(60, TimeUnit.SECONDS);
            return new GatewayProcess(process, listening, metricsPort[0], stopOnExit);
        } catch (Exception e) {
            stop(process);
            removeHook(stopOnExit);
            throw e;
        }
    }

    /** @return the HTTP port it listens on */
    int port() {
        return port;
    }

    /**
     * @return the gateway's management port ({@code /metrics}, {@code /v1/stats/latency})
     * @throws IllegalStateException when it logged none (the bare endpoint, or {@code STORYCAST_METRICS_ENABLED=false})
     */
    int metricsPort() {
        if (metricsPort < 0) {
            throw new IllegalStateException("the server logged no management listener (metrics on http://...)");
        }
        return metricsPort;
    }

    /** @return the process, e.g. for its pid and its CPU time */
    ProcessHandle handle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        stop(process);
        removeHook(stopOnExit);
    }

    /**
     * SIGTERM (the gateway drains and stops its clients and its embedded Redis), SIGKILL after {@value #STOP_SECONDS}
     * s; then SIGTERM to whatever it started that still runs (a killed gateway cannot stop its embedded Redis).
     */
    private static void stop(Process process) {
        List<ProcessHandle> started = process.descendants().toList();
        process.toHandle().destroy();
        try {
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is already exiting: the hook runs (or ran) and finds the process stopped
        }
    }
}
