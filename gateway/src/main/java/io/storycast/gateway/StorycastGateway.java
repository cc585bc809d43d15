package io.storycast.gateway;

import io.storycast.gateway.config.ConfigException;
import io.storycast.gateway.config.ConfigLoader;
import io.storycast.gateway.config.StorycastConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The command line: {@code java -jar storycast-gateway.jar [--config FILE]}. Exit status 2 for a bad
 * configuration (the message names the key), 1 when start-up fails otherwise. SIGTERM and Ctrl-C stop
 * the gateway gracefully.
 */
public final class StorycastGateway {
    private static final Logger LOG = LoggerFactory.getLogger(StorycastGateway.class);

    private StorycastGateway() {
    }

    public static void main(String[] args) {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if (arg.equals("--config")) {
                System.err.println("storycast: --config needs a file name");
                System.exit(2);
            } else if (arg.startsWith("--config=")) {
                configFile = Path.of(arg.substring("--config=".length()));
            } else if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println("usage: java -jar storycast-gateway.jar [--config FILE]");
                System.out.println("Every configuration key can also be set as STORYCAST_<KEY_PATH>, e.g. STORYCAST_HTTP_PORT.");
                return;
            } else {
                System.err.println("storycast: unknown argument '" + arg + "' (try --help)");
                System.exit(2);
            }
        }
        StorycastConfig config;
        ConfigLoader loader = new ConfigLoader();
        try {
            config = loader.load(configFile, System.getenv());
        } catch (ConfigException e) {
            System.err.println("storycast: " + e.getMessage());
            System.exit(2);
            return;
        }
        loader.unusedEnvironmentVariables().forEach(name ->
                LOG.warn("environment variable {} matches no configuration key and is ignored", name));
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (RuntimeException e) {
            LOG.error("start-up failed", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "storycast-shutdown"));
    }
}
