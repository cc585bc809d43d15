package io.storycast.gateway.redis;

import io.storycast.gateway.config.ConfigException;
import io.storycast.gateway.config.RedisConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * A command line that starts only an {@link EmbeddedRedisCluster}, for the local multi-node stack
 * ({@code ops/local-stack/start.sh}): several gateway processes share one cluster, so it cannot belong to
 * any of them. It runs from the gateway's jar, with the same Redis binary and the same cluster forming:
 *
 * <pre>java -cp storycast-gateway.jar io.storycast.gateway.redis.RedisClusterCommand --data-dir DIR
 *      [--masters 3] [--append-fsync everysec] [--url-file FILE]</pre>
 *
 * Once every node reports {@code cluster_state:ok} it writes the seed URLs (comma separated, as
 * {@code redis.url} takes them) to the URL file, replacing it in one move so a reader never sees half of it,
 * and prints them. It then runs until SIGTERM or Ctrl-C, which stops every node with SIGTERM (each flushes
 * its append-only file). A restart on the same folder brings back the same cluster on the same ports.
 * Exit status 2 for a bad argument, 1 when the cluster does not start.
 */
public final class RedisClusterCommand {
    private static final Set<String> OPTIONS = Set.of("data-dir", "masters", "append-fsync", "url-file");

    private RedisClusterCommand() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = parse(args);
        if (options == null) {
            System.err.println("usage: java -cp storycast-gateway.jar " + RedisClusterCommand.class.getName()
                    + " --data-dir DIR [--masters 3] [--append-fsync everysec] [--url-file FILE]");
            System.exit(2);
            return;
        }
        Path dataDir = Path.of(options.get("data-dir"));
        String appendFsync = options.getOrDefault("append-fsync", "everysec");
        int masters;
        try {
            masters = Integer.parseInt(options.getOrDefault("masters", "3"));
            // The gateway's own rules for an embedded cluster: masters 1 to 16, a known fsync policy.
            new RedisConfig.EmbeddedRedisConfig(dataDir.toString(), appendFsync, masters).validate();
        } catch (NumberFormatException e) {
            System.err.println("storycast: --masters must be a number, was " + options.get("masters"));
            System.exit(2);
            return;
        } catch (ConfigException e) {
            System.err.println("storycast: " + e.getMessage().replace("redis.embedded.clusterMasters", "--masters")
                    .replace("redis.embedded.appendFsync", "--append-fsync"));
            System.exit(2);
            return;
        }
        EmbeddedRedisCluster cluster;
        try {
            cluster = EmbeddedRedisCluster.start(dataDir, appendFsync, masters);
        } catch (RuntimeException e) {
            System.err.println("storycast: the Redis Cluster did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "redis-cluster-stop"));
        try {
            if (options.containsKey("url-file")) {
                writeUrlFile(Path.of(options.get("url-file")), cluster.url());
            }
        } catch (IOException e) {
            System.err.println("storycast: cannot write the URL file: " + e.getMessage());
            System.exit(1); // the hook stops the nodes
            return;
        }
        System.out.println("Redis Cluster of " + masters + " masters ready at " + cluster.url()
                + " with its data in " + dataDir.toAbsolutePath());
        new CountDownLatch(1).await(); // until a signal ends the process and the hook stops the nodes
    }

    /** @return the options by name, or null when an argument is unknown, lacks its value, or --data-dir is missing */
    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                return null;
            }
            String name = args[i].substring(2);
            if (!OPTIONS.contains(name)) {
                return null;
            }
            options.put(name, args[++i]);
        }
        return options.containsKey("data-dir") ? options : null;
    }

    private static void writeUrlFile(Path file, String url) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        Files.writeString(partial, url + "\n", StandardCharsets.US_ASCII);
        Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
