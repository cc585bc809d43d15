package io.storycast.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway fat jar in its own JVM, as it is deployed, or another server of the benchmarks (the bare
 * endpoint) in its own JVM the same way; its log goes to a file beside the results. Either is ready once
 * it logs {@code listening on http://host:port}.
 */
final class GatewayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    private final Process process;
    private final int port;

    private GatewayProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @param jvmArguments extra JVM options (e.g. a flight recording), whitespace separated; may be empty
     */
    static GatewayProcess start(Path jar, String jvmArguments, Map<String, String> environment, Path logFile) throws Exception {
        java.util.List<String> command = java(jvmArguments);
        command.add("-jar");
        command.add(jar.toString());
        Map<String, String> settings = new java.util.HashMap<>();
        // The benchmarks' stories name media nobody uploads: they measure the fan-out, not the wait for media.
        settings.put("STORYCAST_FANOUT_AWAIT_MEDIA", "false");
        settings.put("STORYCAST_METRICS_PORT", "0"); // a free management port: never a clash
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
        java.util.List<String> command = java(jvmArguments);
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), BareEndpoint.class.getName(),
                "--instances", Integer.toString(instances)));
        return launch(command, Map.of(), logFile);
    }

    private static java.util.List<String> java(String jvmArguments) {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String argument : jvmArguments.trim().split("\\s+")) {
            if (!argument.isEmpty()) {
                command.add(argument);
            }
        }
        return command;
    }

    private static GatewayProcess launch(java.util.List<String> command, Map<String, String> environment, Path logFile)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader log = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 var out = Files.newBufferedWriter(logFile)) {
                for (String line = log.readLine(); line != null; line = log.readLine()) {
                    out.write(line);
                    out.newLine();
                    out.flush();
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
            return new GatewayProcess(process, port.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        process.toHandle().destroy(); // SIGTERM: the gateway drains and stops its clients
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
