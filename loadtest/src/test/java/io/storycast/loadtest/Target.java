package io.storycast.loadtest;

import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.gatling.javaapi.http.HttpDsl.http;

/**
 * The gateway under load and the keys to use on it. Parameters:
 * <ul>
 *   <li>{@code baseUrl} (http://127.0.0.1:8080): a running gateway;</li>
 *   <li>{@code producerKey} and {@code readerKey} (both storycast-dev-key, the development keys of the default
 *       configuration): a producer key allowed for every platform the simulation posts or seeds on, and a
 *       tray reader key allowed for every platform it reads;</li>
 *   <li>{@code metricsUrl} (empty): the gateway's management listener, e.g. http://127.0.0.1:9464; when
 *       set, the run ends by printing the gateway's own stage latencies beside Gatling's;</li>
 *   <li>{@code gatewayJar} (empty): when set, the run starts that gateway jar itself (a process of its own,
 *       embedded Redis, free ports, data in a new {@code run-<time>} folder inside {@code gatewayDir}, default
 *       {@code target/local-gateway})
 *       and ignores {@code baseUrl}; {@code gatewayEnv} adds {@code STORYCAST_*} settings to it as
 *       {@code K=V;K=V} and {@code gatewayJvmOptions} (-Xmx512m) sets its JVM options.</li>
 * </ul>
 */
final class Target implements AutoCloseable {
    private final String baseUrl;
    private final String producerKey;
    private final String readerKey;
    private final String metricsUrl;
    private final LocalGateway local;

    private Target(String baseUrl, String producerKey, String readerKey, String metricsUrl, LocalGateway local) {
        this.baseUrl = baseUrl;
        this.producerKey = producerKey;
        this.readerKey = readerKey;
        this.metricsUrl = metricsUrl;
        this.local = local;
    }

    /** Reads the parameters above; starts the local gateway when {@code gatewayJar} is set. */
    static Target fromParams() {
        String producerKey = Params.string("producerKey", "storycast-dev-key");
        String readerKey = Params.string("readerKey", "storycast-dev-key");
        String jar = Params.string("gatewayJar", "");
        if (jar.isEmpty()) {
            String baseUrl = Params.string("baseUrl", "http://127.0.0.1:8080").replaceAll("/+$", "");
            return new Target(baseUrl, producerKey, readerKey, Params.string("metricsUrl", ""), null);
        }
        Path folder = Path.of(Params.string("gatewayDir", "target/local-gateway")).resolve("run-" + System.currentTimeMillis());
        LocalGateway local = LocalGateway.start(Path.of(jar), folder, environment(Params.string("gatewayEnv", "")),
                Arrays.asList(Params.string("gatewayJvmOptions", "-Xmx512m").split("\\s+")));
        System.out.println("started the gateway " + jar + " at " + local.baseUrl() + " (log: " + folder.resolve("gateway.log") + ")");
        return new Target(local.baseUrl(), producerKey, readerKey, local.metricsUrl() == null ? "" : local.metricsUrl(), local);
    }

    private static Map<String, String> environment(String settings) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String setting : settings.split(";")) {
            if (setting.isBlank()) {
                continue;
            }
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("gatewayEnv takes K=V;K=V, was '" + settings + "'");
            }
            environment.put(setting.substring(0, equals).trim(), setting.substring(equals + 1).trim());
        }
        return environment;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** @return {@code Bearer <producer key>} */
    String producer() {
        return "Bearer " + producerKey;
    }

    /** @return {@code Bearer <reader key>} */
    String reader() {
        return "Bearer " + readerKey;
    }

    /** The HTTP protocol of every simulation: one connection pool shared by the virtual users, as services pool theirs. */
    HttpProtocolBuilder protocol() {
        return http.baseUrl(baseUrl).acceptHeader("application/json").shareConnections();
    }

    /** Prints the gateway's own latencies of {@code stages} when its management listener is known. */
    void printGatewayStages(List<String> stages) {
        if (!metricsUrl.isEmpty()) {
            GatewayStages.print(metricsUrl, stages);
        }
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
    }
}
