package io.storycast.bench;

import io.vertx.core.Future;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A closed loop: a fixed number of operations in flight, each started when one ends, which measures
 * capacity (what a server gets through when it is never idle) and nothing about latency: a slow answer
 * delays the next request instead of showing as a wait, so the comparison reports rates from it, never
 * latencies ({@link OpenHttpLoad} measures those).
 */
final class ClosedLoad {
    private ClosedLoad() {
    }

    /**
     * Runs {@code concurrency} loops of {@code operation} for warm-up, then counts what they do in
     * {@code seconds}, and what Redis's CPU counter says they cost it.
     *
     * @param redisCounters Redis's counters, or {@code null} when no Redis takes part (its columns are then 0)
     * @param operation     one operation; answers the events it carried (failures are counted apart)
     */
    static IngestComparison.Result measure(String name, String unit, RedisCounters redisCounters, int warmupSeconds,
                                           int seconds, int concurrency, Supplier<Future<Integer>> operation)
            throws InterruptedException {
        return measure(name, unit, redisCounters, null, warmupSeconds, seconds, concurrency, operation);
    }

    /**
     * As {@link #measure(String, String, RedisCounters, int, int, int, Supplier)}, and also what the events cost
     * in CPU time the process that serves them ({@code server}, when there is one) and this load-generating JVM, each
     * apart. CPU time is what other work on a shared machine changes least, so it compares runs where rates cannot.
     *
     * @param server the process that serves the operations (the gateway, the bare endpoint), or {@code null} when
     *               this JVM talks to Redis itself (its CPU is then the load column alone)
     */
    static IngestComparison.Result measure(String name, String unit, RedisCounters redisCounters, ProcessHandle server,
                                           int warmupSeconds, int seconds, int concurrency,
                                           Supplier<Future<Integer>> operation) throws InterruptedException {
        run(warmupSeconds, concurrency, operation);
        RedisCounters.Snapshot before = redisCounters == null ? null : redisCounters.read();
        long serverCpuBefore = cpuNanos(server);
        long loadCpuBefore = cpuNanos(ProcessHandle.current());
        long count = run(seconds, concurrency, operation);
        long serverCpuNanos = cpuNanos(server) - serverCpuBefore;
        long loadCpuNanos = cpuNanos(ProcessHandle.current()) - loadCpuBefore;
        RedisCounters.Snapshot after = redisCounters == null ? null : redisCounters.read();
        IngestComparison.Result result = new IngestComparison.Result(name, unit, (double) count / seconds,
                after == null ? 0 : after.cpuMicrosPerEvent(before, count),
                after == null ? 0 : after.eventsPerScriptCall(before, count),
                server == null || count == 0 ? 0 : serverCpuNanos / 1000.0 / count,
                count == 0 ? 0 : loadCpuNanos / 1000.0 / count);
        System.out.printf("%-70s %,14.0f %s  (CPU us/event: Redis %.1f, server %.1f, load %.1f; %.1f events/script call)%n",
                name, result.perSecond(), unit, result.redisMicrosPerEvent(), result.serverMicrosPerEvent(),
                result.loadMicrosPerEvent(), result.eventsPerScriptCall());
        return result;
    }

    /** @return the process's CPU time so far (every thread, user and system), nanoseconds; 0 for none or unknown */
    private static long cpuNanos(ProcessHandle process) {
        return process == null ? 0 : process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /** Runs {@code concurrency} loops of {@code operation} for {@code seconds}, measuring nothing. */
    static void warmUp(int seconds, int concurrency, Supplier<Future<Integer>> operation) throws InterruptedException {
        run(seconds, concurrency, operation);
    }

    private static long run(int seconds, int concurrency, Supplier<Future<Integer>> operation) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CountDownLatch loops = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            loop(operation, deadline, done, failed, loops);
        }
        loops.await();
        if (failed.get() > 0) {
            System.out.printf("  (%d operations failed and were not counted)%n", failed.get());
        }
        return done.get();
    }

    private static void loop(Supplier<Future<Integer>> operation, long deadline, AtomicLong done, AtomicLong failed,
                             CountDownLatch loops) {
        operation.get().onComplete(result -> {
            if (result.succeeded() && System.nanoTime() < deadline) {
                done.addAndGet(result.result());
            } else if (result.failed()) {
                failed.incrementAndGet();
            }
            if (System.nanoTime() < deadline) {
                loop(operation, deadline, done, failed, loops);
            } else {
                loops.countDown();
            }
        });
    }
}
