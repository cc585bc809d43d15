package io.storycast.bench;

import io.storycast.gateway.redis.EmbeddedRedis;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis's own load tool on the same server, when installed: the reference for "as fast as this Redis
 * takes XADD". It installs nothing: when it is missing it says which Debian package has it.
 */
final class RedisBenchmarkTool {
    private static final Pattern RATE = Pattern.compile("([0-9.]+) requests per second");

    private RedisBenchmarkTool() {
    }

    static Optional<IngestComparison.Result> run(int port, String payload, Path out) throws Exception {
        Optional<File> tool = EmbeddedRedis.findOnPath("redis-benchmark");
        if (tool.isEmpty()) {
            System.out.println("redis-benchmark is not installed (Debian package redis-tools); its line is skipped");
            return Optional.empty();
        }
        Process process = new ProcessBuilder(tool.get().toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-P", "64", "-c", "4", "-n", "2000000", "-q",
                "XADD", "{bench}:redis-benchmark", "MAXLEN", "~", "1000000", "*", "event", payload)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        java.nio.file.Files.writeString(out.resolve("redis-benchmark.txt"), output);
        Matcher matcher = RATE.matcher(output);
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1);
        }
        if (last == null) {
            System.out.println("redis-benchmark printed no rate: " + output);
            return Optional.empty();
        }
        IngestComparison.Result result = new IngestComparison.Result(
                "raw pipelined XADD (redis-benchmark -P 64 -c 4)", "events/s", Double.parseDouble(last), 0, 0);
        System.out.printf("%-70s %,14.0f %s%n", result.name(), result.perSecond(), result.unit());
        return Optional.of(result);
    }
}
