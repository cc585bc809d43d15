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

/** The gateway fat jar in its own JVM, as it is deployed; its log goes to a file beside the results. */
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
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(javaBinary);
        for (String argument : jvmArguments.trim().split("\\s+")) {
            if (!argument.isEmpty()) {
                command.add(argument);
            }
        }
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The benchmarks' stories name media nobody uploads: they measure the fan-out, not the wait for media.
        builder.environment().put("STORYCAST_FANOUT_AWAIT_MEDIA", "false");
        builder.environment().put("STORYCAST_METRICS_PORT", "0"); // a free management port: never a clash
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
            port.completeExceptionally(new IllegalStateException("the gateway exited before listening; see " + logFile));
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
