package io.storycast.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * {@code ops/local-stack/start.sh} run as an SRE runs it, for a test: started on free ports in a folder of its
 * own, ready once it writes its state file ({@code stack.env}). {@link #stop} sends the script SIGTERM, which it
 * traps as it traps Ctrl-C (SIGINT is not used: a shell that started with SIGINT ignored, as a background job's
 * children do, cannot trap it).
 * {@link #close} makes sure nothing is left whatever happened: SIGTERM if the script still runs, then SIGKILL to
 * the process group of every part the state file names (each part is a group of its own) and to every process
 * seen below them.
 */
final class LocalStack implements AutoCloseable {
    private final Process script;
    private final Path dir;
    private final Path output;
    private final Map<String, String> state;
    private final Set<ProcessHandle> processes;

    private LocalStack(Process script, Path dir, Path output, Map<String, String> state) {
        this.script = script;
        this.dir = dir;
        this.output = output;
        this.state = state;
        this.processes = new HashSet<>();
        for (String name : List.of("REDIS_CLUSTER", "HAPROXY")) {
            part(name).ifPresent(this::addWithDescendants);
        }
        for (int g = 1; g <= gateways(); g++) {
            part("GATEWAY_" + g).ifPresent(this::addWithDescendants);
        }
    }

    /**
     * Starts the stack and waits until it says it is ready.
     *
     * @param environment {@code STORYCAST_*} settings for every gateway, and the script's own {@code STACK_*}
     */
    static LocalStack start(Path dir, int gateways, Map<String, String> environment) throws IOException {
        Path output = dir.resolveSibling(dir.getFileName() + ".out");
        List<String> command = List.of("bash", RepositoryFiles.path("ops/local-stack/start.sh").toString(),
                "--gateways", Integer.toString(gateways), "--masters", "3",
                "--lb-port", Integer.toString(freePort()), "--stats-port", Integer.toString(freePort()),
                "--gateway-port", "0", "--metrics-port", "0", "--dir", dir.toString(), "--fresh");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("STORYCAST_") || name.startsWith("STACK_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // Each part gets less than the test's wait, so the script fails (and stops what it started) first.
        builder.environment().put("STACK_READY_TIMEOUT", "40");
        builder.environment().putAll(environment);
        Process script = builder.start();
        Path stateFile = dir.resolve("stack.env");
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.exists(stateFile) || !script.isAlive());
            if (!Files.exists(stateFile)) {
                throw new AssertionError("the stack did not start (exit " + script.exitValue() + "):\n" + Files.readString(output));
            }
        } catch (RuntimeException | Error e) {
            // SIGTERM, which the script traps to stop every part it started (each runs in its own session, so
            // killing the script alone would leave them running); SIGKILL only if it does not end.
            script.destroy();
            try {
                if (!script.waitFor(2, TimeUnit.MINUTES)) {
                    script.destroyForcibly();
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                script.destroyForcibly();
            }
            throw e;
        }
        Map<String, String> state = new HashMap<>();
        for (String line : Files.readAllLines(stateFile, StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            state.put(line.substring(0, equals), line.substring(equals + 1));
        }
        return new LocalStack(script, dir, output, state);
    }

    /** @return the load balancer's base URL, e.g. {@code http://127.0.0.1:41234} */
    String lbUrl() {
        return state.get("STACK_LB_URL");
    }

    String redisUrl() {
        return state.get("STACK_REDIS_URL");
    }

    int gateways() {
        return Integer.parseInt(state.get("STACK_GATEWAYS"));
    }

    /** @return gateway g's management listener base URL (1-based) */
    String metricsUrl(int g) {
        return state.get("STACK_GATEWAY_" + g + "_METRICS_URL").replace("/metrics", "");
    }

    long gatewayPid(int g) {
        return Long.parseLong(state.get("STACK_GATEWAY_" + g + "_PID"));
    }

    /** Kills gateway g (1-based) with SIGKILL, as a crash would, and waits until it is gone. */
    void killGateway(int g) throws Exception {
        ProcessHandle gateway = ProcessHandle.of(gatewayPid(g)).orElseThrow();
        gateway.destroyForcibly();
        gateway.onExit().get(30, TimeUnit.SECONDS);
    }

    /** @return a part's log so far: "haproxy", "redis-cluster", "gateway-1"... */
    List<String> log(String part) throws IOException {
        return Files.readAllLines(dir.resolve("logs").resolve(part + ".log"), StandardCharsets.UTF_8);
    }

    /** @return the script's output so far */
    String output() throws IOException {
        return Files.readString(output);
    }

    /**
     * SIGTERM to the script, which stops the parts in order, as on Ctrl-C.
     *
     * @return the script's exit status (143 after SIGTERM)
     */
    int stop() throws Exception {
        signal("TERM", Long.toString(script.pid()));
        if (!script.waitFor(3, TimeUnit.MINUTES)) {
            throw new AssertionError("the stack did not stop within 3 minutes:\n" + output());
        }
        return script.exitValue();
    }

    /** @return the processes of the stack (each part and everything below it when it was ready) still alive */
    List<ProcessHandle> survivors() {
        return processes.stream().filter(ProcessHandle::isAlive).toList();
    }

    @Override
    public void close() throws IOException {
        try {
            if (script.isAlive()) {
                signal("TERM", Long.toString(script.pid()));
                script.waitFor(3, TimeUnit.MINUTES);
                script.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String name : List.of("HAPROXY", "REDIS_CLUSTER")) {
            part(name).ifPresent(pid -> killGroup(pid));
        }
        for (int g = 1; g <= gateways(); g++) {
            part("GATEWAY_" + g).ifPresent(LocalStack::killGroup);
        }
        processes.forEach(ProcessHandle::destroyForcibly);
        if (Boolean.getBoolean("storycast.ops.keepStack")) {
            System.out.println("the stack's folder (logs, data) is kept: " + dir);
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private java.util.Optional<Long> part(String name) {
        return java.util.Optional.ofNullable(state.get("STACK_" + name + "_PID")).map(Long::parseLong);
    }

    private void addWithDescendants(long pid) {
        ProcessHandle.of(pid).ifPresent(part -> {
            processes.add(part);
            part.descendants().forEach(processes::add);
        });
    }

    private static void killGroup(long pid) {
        try {
            signal("KILL", "-" + pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code kill -SIGNAL -- TARGET}: a pid, or minus a process group's id. Gone already is fine. */
    private static void signal(String signal, String target) throws IOException, InterruptedException {
        new ProcessBuilder(new ArrayList<>(List.of("kill", "-" + signal, "--", target)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
