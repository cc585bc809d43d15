package io.storycast.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Outside programs as the profiled tests run them: output and errors together in a file (so a chatty program
 * never blocks on a full pipe), a time limit, and a program that is not installed reported as a failure naming
 * it, never as a skip.
 */
final class Commands {
    private Commands() {
    }

    /** A finished program: its exit status and everything it printed. */
    record Result(int status, String output) {
        /** @return this result, after checking that the program exited 0 */
        Result ok() {
            if (status != 0) {
                throw new AssertionError("exit status " + status + ":\n" + output);
            }
            return this;
        }
    }

    /**
     * Runs a program to its end.
     *
     * @param directory the working directory, or null for the test's
     * @param timeout   how long it may run; past it, it is killed and the test fails
     */
    static Result run(List<String> command, Path directory, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile("storycast-command", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new AssertionError("cannot run " + command.get(0) + " (is it installed? the profile's tests need it): " + e.getMessage(), e);
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
