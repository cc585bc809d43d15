package io.storycast.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Pins a running process, every thread of it, to a set of CPUs with util-linux's {@code taskset -a -cp}
 * (Debian package util-linux), so that a benchmark can tell CPU sharing apart from queueing: e.g. Redis on one
 * core and the gateway on the other. Threads the process starts later inherit the pinning from the thread that
 * starts them. Linux only.
 */
final class CpuPinning {
    private CpuPinning() {
    }

    /**
     * @param what names the process in the error, e.g. {@code Redis}
     * @param cpus a {@code taskset} CPU list, e.g. {@code 0} or {@code 1,3} or {@code 0-1}
     * @throws IllegalStateException when {@code taskset} is missing or refuses (an unknown CPU, a process gone)
     */
    static void pin(String what, long pid, String cpus) {
        if (!Tools.installed("taskset")) {
            throw new IllegalStateException("cannot pin " + what + ": " + Tools.notInstalled("taskset"));
        }
        try {
            Process taskset = new ProcessBuilder("taskset", "-a", "-cp", cpus, Long.toString(pid))
                    .redirectErrorStream(true).start();
            String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
                throw new IllegalStateException("taskset -a -cp " + cpus + " " + pid + " (" + what + ") failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run taskset for " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pinning " + what, e);
        }
    }
}
