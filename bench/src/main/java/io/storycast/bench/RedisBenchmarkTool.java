package io.storycast.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis's own load tool on the same server, when installed: the reference for "as fast as this Redis
 * takes XADD" (or ZADD, for the fan-out). It installs nothing: when it is missing it says which Debian
 * package has it.
 */
final class RedisBenchmarkTool {
    private static final Pattern RATE = Pattern.compile("([0-9.]+) requests per second");

    private RedisBenchmarkTool() {
    }

    /**
     * XADD of {@code payload}, the ingest's reference.
     *
     * @param requests how many XADD the tool sends (its run lasts that many divided by its rate)
     */
    static Optional<IngestComparison.Result> run(int port, String payload, Path out, int requests) throws Exception {
        return run(port, out.resolve("redis-benchmark.txt"), "raw pipelined XADD (redis-benchmark -P 64 -c 4)",
                "events/s", List.of("-n", Integer.toString(requests), "XADD", "{bench}:redis-benchmark", "MAXLEN", "~", "1000000", "*",
                        "event", payload));
    }

    /**
     * @param output    where the tool's own output is kept
     * @param name      the result's name
     * @param arguments the tool's arguments after host, port, {@code -P 64 -c 4 -q}
     * @return the rate of the last test the tool printed, or nothing when the tool is missing or printed none
     */
    static Optional<IngestComparison.Result> run(int port, Path output, String name, String unit, List<String> arguments)
            throws Exception {
        Optional<Path> tool = Tools.find("redis-benchmark");
        if (tool.isEmpty()) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>(List.of(tool.get().toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-P", "64", "-c", "4", "-q"));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        java.nio.file.Files.writeString(output, text);
        Matcher matcher = RATE.matcher(text);
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1);
        }
        if (last == null) {
            System.out.println("redis-benchmark printed no rate: " + text);
            return Optional.empty();
        }
        IngestComparison.Result result = new IngestComparison.Result(name, unit, Double.parseDouble(last), 0, 0);
        System.out.printf("%-70s %,14.0f %s%n", result.name(), result.perSecond(), result.unit());
        return Optional.of(result);
    }
}
