package io.storycast.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads by what they do, native threads included (FFmpeg's decoder threads,
 * libopenh264's slice threads), read from {@code /proc/self/task/<tid>/stat} (Linux) every
 * {@value #SAMPLE_MILLIS} ms while a measurement runs: a thread that ends is counted up to its last sample,
 * so a few milliseconds of a thread's last moments may be missed. {@link #stop()} adds up the threads' CPU
 * in that window by group:
 * <ul>
 *   <li>{@code encode}: the video job's encoding thread ({@code storycast-video-encode}) and the threads
 *       libopenh264 starts from it (which Linux names after it), muxing included;</li>
 *   <li>{@code decode}: FFmpeg's frame threads ({@code av:h264:df0}, …);</li>
 *   <li>{@code jvm}: compilers, GC and the VM's own threads;</li>
 *   <li>{@code job}: the rest, i.e. the thread that runs the job (demux, decoder calls, the filter graph) and the
 *       filter graph's workers, which Linux names after it.</li>
 * </ul>
 * Single use, one measurement at a time.
 */
final class ThreadCpu {
    private static final long SAMPLE_MILLIS = 20;
    private static final long MILLIS_PER_TICK = 10; // USER_HZ: 100 ticks a second on Linux

    private final Map<String, Long> firstTicks = new ConcurrentHashMap<>();
    private final Map<String, Long> lastTicks = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Thread sampler = new Thread(this::sampleUntilInterrupted, "cpu-sampler");

    private ThreadCpu() {
    }

    /** Starts sampling; the threads' CPU before this call is not counted. */
    static ThreadCpu start() {
        ThreadCpu cpu = new ThreadCpu();
        cpu.sample(true);
        cpu.sampler.setDaemon(true);
        cpu.sampler.start();
        return cpu;
    }

    /** @return per group (encode, decode, job, jvm), milliseconds of CPU since {@link #start()} */
    Map<String, Long> stop() {
        sampler.interrupt();
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample(false);
        Map<String, Long> byGroup = new TreeMap<>();
        lastTicks.forEach((tid, ticks) -> {
            String name = names.get(tid);
            if (!name.equals("cpu-sampler")) {
                byGroup.merge(group(name), (ticks - firstTicks.getOrDefault(tid, 0L)) * MILLIS_PER_TICK, Long::sum);
            }
        });
        return byGroup;
    }

    /** @return {@code byGroup} as "encode 5.31 s, decode 0.92 s, …", each divided by {@code jobs} */
    static String perJob(Map<String, Long> byGroup, long jobs) {
        Map<String, String> shown = new LinkedHashMap<>();
        for (String group : new String[]{"encode", "decode", "job", "jvm"}) {
            shown.put(group, String.format("%s %.2f s", group, byGroup.getOrDefault(group, 0L) / 1e3 / jobs));
        }
        return String.join(", ", shown.values());
    }

    private static String group(String name) {
        if (name.startsWith("storycast-video")) {
            return "encode";
        }
        if (name.startsWith("av:")) {
            return "decode";
        }
        if (name.startsWith("C1 ") || name.startsWith("C2 ") || name.startsWith("G1 ") || name.startsWith("GC ")
                || name.startsWith("VM ") || name.equals("Signal Dispatch") || name.equals("Finalizer")
                || name.equals("Reference Handl") || name.equals("Common-Cleaner") || name.equals("Notification Thr")) {
            return "jvm";
        }
        return "job";
    }

    private void sampleUntilInterrupted() {
        while (!Thread.currentThread().isInterrupted()) {
            sample(false);
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample(boolean first) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException e) {
                    return; // the thread ended since the listing
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                String tid = task.getFileName().toString();
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
                names.put(tid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                if (first) {
                    firstTicks.put(tid, ticks);
                }
                lastTicks.merge(tid, ticks, Math::max);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
