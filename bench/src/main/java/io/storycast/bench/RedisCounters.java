package io.storycast.bench;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Redis's own counters, read before and after a phase so that each phase reports what it cost Redis: the
 * CPU time of the main process ({@code INFO cpu}: used_cpu_user + used_cpu_sys; children such as an AOF
 * rewrite excluded) and the number of script calls ({@code INFO commandstats}: evalsha + eval), which with
 * the events counted gives the events each script call carried. On a cluster both are the sums over every
 * master. The one place that reads these counters.
 *
 * <p>{@link #read()} blocks: call it from a plain thread.
 */
final class RedisCounters implements AutoCloseable {
    private final List<Redis> nodes;

    /** Counters of every node of {@code redis}. */
    RedisCounters(Vertx vertx, BenchRedis redis) {
        this(vertx, redis.nodeUrls());
    }

    /** @param nodeUrls each server's URL: one, or every master of a cluster */
    RedisCounters(Vertx vertx, List<String> nodeUrls) {
        this.nodes = nodeUrls.stream().map(url -> Redis.createClient(vertx, url)).toList();
    }

    /**
     * The counters at one moment.
     *
     * @param cpuSeconds  Redis's main-process CPU time since it started, seconds (summed over the nodes)
     * @param scriptCalls EVALSHA and EVAL calls since the last {@code CONFIG RESETSTAT}
     */
    record Snapshot(double cpuSeconds, long scriptCalls) {
        /** @return Redis CPU microseconds per event between {@code before} and this; 0 when no events */
        double cpuMicrosPerEvent(Snapshot before, long events) {
            return events == 0 ? 0 : cpuSecondsSince(before) * 1e6 / events;
        }

        /** @return Redis CPU seconds between {@code before} and this */
        double cpuSecondsSince(Snapshot before) {
            return cpuSeconds - before.cpuSeconds;
        }

        /** @return events per script call between {@code before} and this; 0 when no script ran */
        double eventsPerScriptCall(Snapshot before, long events) {
            long calls = scriptCalls - before.scriptCalls;
            return calls == 0 ? 0 : (double) events / calls;
        }
    }

    Snapshot read() {
        double cpuSeconds = 0;
        long scriptCalls = 0;
        for (Redis node : nodes) {
            String info;
            try {
                info = node.send(Request.cmd(Command.INFO).arg("all")).await(10, TimeUnit.SECONDS).toString();
            } catch (Exception e) {
                throw new IllegalStateException("INFO failed: " + e, e);
            }
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    cpuSeconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                    // cmdstat_evalsha:calls=12,usec=...,usec_per_call=...
                    String calls = line.substring(line.indexOf("calls=") + "calls=".length());
                    scriptCalls += Long.parseLong(calls.substring(0, calls.indexOf(',')));
                }
            }
        }
        return new Snapshot(cpuSeconds, scriptCalls);
    }

    @Override
    public void close() {
        nodes.forEach(Redis::close);
    }
}
