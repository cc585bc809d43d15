package io.storycast.ops;

import io.storycast.gateway.config.ConfigLoader;
import io.storycast.gateway.config.StorycastConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.storycast.ops.Yamls.at;
import static io.storycast.ops.Yamls.list;
import static io.storycast.ops.Yamls.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests ({@code ops/kubernetes}), parsed as YAML and checked against the gateway itself: the
 * ConfigMap and Secret load through the gateway's own configuration loader with no unknown key, and the
 * probes, ports, grace period, volumes and selectors agree with that configuration and with each other.
 */
class KubernetesManifestsTest {
    private static final String FOLDER = "ops/kubernetes";
    private static final Map<String, Map<String, Object>> BY_KIND = new HashMap<>();
    private static Map<String, Object> container;
    private static StorycastConfig config;

    @BeforeAll
    static void load(@TempDir Path folder) throws IOException {
        for (Object resource : list(RepositoryFiles.yaml(FOLDER + "/kustomization.yaml"), "resources")) {
            for (Map<String, Object> document : RepositoryFiles.yamlDocuments(FOLDER + "/" + resource)) {
                assertThat(BY_KIND.put((String) document.get("kind"), document)).as("a second %s", document.get("kind")).isNull();
            }
        }
        container = map(BY_KIND.get("Deployment"), "spec.template.spec.containers.0");
        Path file = Files.writeString(folder.resolve("storycast.json"),
                (String) map(BY_KIND.get("ConfigMap"), "data").get("storycast.json"));
        ConfigLoader loader = new ConfigLoader();
        config = loader.load(file, environment());
        assertThat(loader.unusedEnvironmentVariables()).as("STORYCAST_* variables that match no key").isEmpty();
    }

    @Test
    void kustomizationListsEveryManifestAndEveryKindIsThere() throws IOException {
        List<Object> resources = list(RepositoryFiles.yaml(FOLDER + "/kustomization.yaml"), "resources");
        try (Stream<Path> files = Files.list(RepositoryFiles.path(FOLDER))) {
            assertThat(files.map(path -> path.getFileName().toString()).filter(name -> !name.equals("kustomization.yaml")))
                    .containsExactlyInAnyOrderElementsOf(resources.stream().map(Object::toString).toList());
        }
        assertThat(BY_KIND).containsOnlyKeys("ConfigMap", "Secret", "PersistentVolumeClaim", "Deployment", "Service",
                "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy");
    }

    @Test
    void configurationLoadsThroughTheGatewaysLoaderWithClusterRedisAndNoDevelopmentKey() {
        assertThat(config.redis().cluster()).isTrue();
        assertThat(config.redis().url()).isNotNull();
        assertThat(config.usesDevelopmentKey()).isFalse();
        assertThat(config.http().host()).as("http.host: reachable on the pod IP").isEqualTo("0.0.0.0");
    }

    @Test
    void probesUseTheHealthEndpointsOnTheConfiguredHttpPort() {
        assertThat((String) at(container, "livenessProbe.httpGet.path")).isEqualTo("/healthz");
        assertThat((String) at(container, "startupProbe.httpGet.path")).isEqualTo("/healthz");
        assertThat((String) at(container, "readinessProbe.httpGet.path")).isEqualTo("/readyz");
        for (String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
            assertThat(containerPort(at(container, probe + ".httpGet.port"))).as(probe).isEqualTo(config.http().port());
        }
        assertThat(containerPort(at(BY_KIND.get("Service"), "spec.ports.0.targetPort"))).isEqualTo(config.http().port());
    }

    @Test
    void prometheusScrapesTheManagementListenerWhichOnlyTheMonitoringNamespaceReaches() {
        Map<String, Object> annotations = map(BY_KIND.get("Deployment"), "spec.template.metadata.annotations");
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/path", "/metrics");
        assertThat(Integer.parseInt((String) annotations.get("prometheus.io/port"))).isEqualTo(config.metrics().port());
        assertThat(containerPort("metrics")).isEqualTo(config.metrics().port());
        assertThat(config.metrics().host()).isEqualTo("0.0.0.0");

        List<Object> rules = list(BY_KIND.get("NetworkPolicy"), "spec.ingress");
        for (Object rule : rules) {
            Object port = at(rule, "ports.0.port");
            if (containerPort(port) == config.metrics().port()) {
                assertThat(((Map<?, ?>) rule).get("from")).as("who reaches the metrics port").isNotNull();
            }
        }
        assertThat(rules).anyMatch(rule -> containerPort(at(rule, "ports.0.port")) == config.metrics().port());
    }

    @Test
    void gracePeriodCoversThePreStopPauseAndTheLongestDrain() {
        int grace = at(BY_KIND.get("Deployment"), "spec.template.spec.terminationGracePeriodSeconds");
        List<Object> preStop = list(container, "lifecycle.preStop.exec.command");
        assertThat(preStop.get(0)).isEqualTo("sleep");
        int pause = Integer.parseInt(preStop.get(1).toString());
        // Gateway.close: media jobs up to the drain time, then Vert.x (servers, fan-out) up to the drain time + 10 s.
        int drain = config.shutdown().drainTimeoutSeconds();

        assertThat(grace).isGreaterThanOrEqualTo(pause + 2 * drain + 10);
    }

    @Test
    void resourcesAreRequestedAndMemoryIsLimited() {
        Map<String, Object> resources = map(container, "resources");
        assertThat(map(resources, "requests")).containsKeys("cpu", "memory");
        long requested = bytes(at(resources, "requests.memory"));
        long limit = bytes(at(resources, "limits.memory"));
        assertThat(limit).isGreaterThanOrEqualTo(requested);
        // The heap (a share of the limit) and direct memory, as the image's JAVA_TOOL_OPTIONS set them, fit with room
        // to spare, and direct memory holds what media may buffer.
        String javaToolOptions = imageJavaToolOptions();
        long heapPercent = Long.parseLong(option(javaToolOptions, "-XX:MaxRAMPercentage="));
        long directBytes = bytes(option(javaToolOptions, "-XX:MaxDirectMemorySize=").replace("m", "Mi").replace("g", "Gi"));
        assertThat(limit * heapPercent / 100 + directBytes).isLessThan(limit);
        assertThat(config.media().maxBufferedBytes()).isLessThanOrEqualTo(directBytes);
    }

    /** @return the value of {@code ENV JAVA_TOOL_OPTIONS="..."} in the image's Containerfile */
    private static String imageJavaToolOptions() {
        try {
            return Files.readAllLines(RepositoryFiles.path("ops/container/Containerfile")).stream()
                    .filter(line -> line.startsWith("ENV JAVA_TOOL_OPTIONS="))
                    .map(line -> line.substring("ENV JAVA_TOOL_OPTIONS=".length()).replace("\"", ""))
                    .findFirst().orElseThrow(() -> new AssertionError("the Containerfile sets no JAVA_TOOL_OPTIONS"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the value after {@code prefix} in a space-separated option list */
    private static String option(String options, String prefix) {
        for (String option : options.split("\\s+")) {
            if (option.startsWith(prefix)) {
                return option.substring(prefix.length());
            }
        }
        throw new AssertionError("no " + prefix + " in " + options);
    }

    @Test
    void disruptionBudgetAutoscalerAndServiceSelectTheDeploymentsPods() {
        Map<String, Object> podLabels = map(BY_KIND.get("Deployment"), "spec.template.metadata.labels");
        assertThat(podLabels).containsAllEntriesOf(map(BY_KIND.get("Deployment"), "spec.selector.matchLabels"));
        assertThat(podLabels).containsAllEntriesOf(map(BY_KIND.get("PodDisruptionBudget"), "spec.selector.matchLabels"));
        assertThat(podLabels).containsAllEntriesOf(map(BY_KIND.get("Service"), "spec.selector"));
        assertThat(podLabels).containsAllEntriesOf(map(BY_KIND.get("NetworkPolicy"), "spec.podSelector.matchLabels"));

        Map<String, Object> hpa = BY_KIND.get("HorizontalPodAutoscaler");
        assertThat((String) at(hpa, "spec.scaleTargetRef.kind")).isEqualTo("Deployment");
        assertThat((String) at(hpa, "spec.scaleTargetRef.name")).isEqualTo(at(BY_KIND.get("Deployment"), "metadata.name"));
        assertThat((String) at(hpa, "spec.metrics.0.resource.name")).isEqualTo("cpu");
        // One pod may be disrupted while at least one other serves.
        assertThat((int) at(hpa, "spec.minReplicas")).isGreaterThanOrEqualTo(2);
        assertThat((int) at(BY_KIND.get("PodDisruptionBudget"), "spec.maxUnavailable")).isEqualTo(1);
    }

    @Test
    void configFileAndSharedMediaStoreAreMountedWhereTheConfigurationSaysAndSecretsComeFromTheSecret() {
        List<Object> args = list(container, "args");
        assertThat(args).hasSize(2).first().isEqualTo("--config");
        Path configPath = Path.of(args.get(1).toString());
        assertThat(mountPath("config")).isEqualTo(configPath.getParent().toString());
        assertThat((String) at(volume("config"), "configMap.name")).isEqualTo(at(BY_KIND.get("ConfigMap"), "metadata.name"));
        assertThat(map(BY_KIND.get("ConfigMap"), "data")).containsKey(configPath.getFileName().toString());

        assertThat(mountPath("media")).isEqualTo(config.media().storeDir());
        assertThat((String) at(volume("media"), "persistentVolumeClaim.claimName"))
                .isEqualTo(at(BY_KIND.get("PersistentVolumeClaim"), "metadata.name"));
        assertThat(list(BY_KIND.get("PersistentVolumeClaim"), "spec.accessModes")).containsExactly("ReadWriteMany");

        assertThat((String) at(container, "envFrom.0.secretRef.name")).isEqualTo(at(BY_KIND.get("Secret"), "metadata.name"));
    }

    /** @return the Secret's variables and the container's own env values, as the gateway would see them */
    private static Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        map(BY_KIND.get("Secret"), "stringData").forEach((name, value) -> environment.put(name, value.toString()));
        Object env = map(BY_KIND.get("Deployment"), "spec.template.spec.containers.0").get("env");
        if (env instanceof List<?> variables) {
            for (Object variable : variables) {
                environment.put(at(variable, "name"), at(variable, "value"));
            }
        }
        return environment;
    }

    /** @return the port number a probe or Service names: a number, or the name of one of the container's ports */
    private static int containerPort(Object port) {
        if (port instanceof Integer number) {
            return number;
        }
        for (Object declared : list(container, "ports")) {
            if (port.equals(at(declared, "name"))) {
                return at(declared, "containerPort");
            }
        }
        throw new AssertionError("the container declares no port " + port);
    }

    private static String mountPath(String volume) {
        return list(container, "volumeMounts").stream().filter(mount -> volume.equals(at(mount, "name")))
                .map(mount -> (String) at(mount, "mountPath")).findFirst().orElseThrow();
    }

    private static Object volume(String name) {
        return list(BY_KIND.get("Deployment"), "spec.template.spec.volumes").stream()
                .filter(volume -> name.equals(at(volume, "name"))).findFirst().orElseThrow();
    }

    /** @return a Kubernetes memory quantity in bytes: Mi and Gi suffixes */
    private static long bytes(String quantity) {
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) << 30;
        }
        if (quantity.endsWith("Mi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) << 20;
        }
        throw new AssertionError("unexpected memory quantity " + quantity);
    }
}
