package io.storycast.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The machine a run measured on, as it reports itself: cores ({@code nproc}: the processors this JVM may
 * use), memory ({@code free -g}: whole GiB of {@code MemTotal}), the CPU's model name, the JDK and the OS,
 * and the one-minute load average, read at the run's start and end, since other work on a shared machine
 * changes absolute figures (the ratios of one run are what to read).
 *
 * @param memoryGiB whole GiB, rounded down as {@code free -g} prints them; -1 when unknown
 * @param loadStart the one-minute load average at the start; -1 when unknown
 */
record Machine(int cores, long memoryGiB, String cpu, String jdk, String os, double loadStart) {

    static Machine now() {
        return new Machine(Runtime.getRuntime().availableProcessors(),
                procField("/proc/meminfo", "MemTotal").map(kb -> Long.parseLong(kb.replaceAll("[^0-9]", "")) / (1024 * 1024))
                        .orElse(-1L),
                procField("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch")),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                loadAverage());
    }

    /** @return the one-minute load average now, or -1 */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return -1;
        }
    }

    /** @param loadEnd the one-minute load average at the end */
    String describe(double loadEnd) {
        return String.format("%d cores, %d GiB memory, CPU %s, %s, %s; load average (1 min) %.2f at the start, %.2f at the end",
                cores, memoryGiB, cpu, jdk, os, loadStart, loadEnd);
    }

    JsonObject toJson(double loadEnd) {
        return new JsonObject().put("cores", cores).put("memoryGiB", memoryGiB).put("cpu", cpu).put("jdk", jdk)
                .put("os", os).put("loadAverageStart", loadStart).put("loadAverageEnd", loadEnd);
    }

    private static Optional<String> procField(String file, String field) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            return lines.stream().filter(line -> line.startsWith(field))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException | RuntimeException unknown) {
            return Optional.empty();
        }
    }
}
