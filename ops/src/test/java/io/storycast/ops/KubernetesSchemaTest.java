package io.storycast.ops;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.storycast.ops.Yamls.list;
import static io.storycast.ops.Yamls.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests as a cluster would get them: rendered by {@code kubectl kustomize ops/kubernetes}
 * (Debian's kubectl, or whichever is on the PATH), then every object validated against the Kubernetes OpenAPI
 * schema by the npm package kubernetes-models 4.5.1 (Kubernetes v1.33.0; {@code src/test/kubernetes-schema},
 * installed with {@code npm ci} from its lock file): types, required fields, enumerations and formats. The
 * published schema allows fields it does not name, so a misspelt optional field is not caught here (the API
 * server warns of it on apply). Tag {@code container}, profile with-container.
 */
@Tag("container")
class KubernetesSchemaTest {
    private static final Path VALIDATOR = RepositoryFiles.path("ops/target/kubernetes-schema");
    private static List<Map<String, Object>> objects;

    @BeforeAll
    static void renderAndInstallTheValidator() throws Exception {
        System.out.println("kubernetes: " + Commands.run(List.of("kubectl", "version", "--client"), null, Duration.ofSeconds(30))
                .output().lines().findFirst().orElse(""));
        String rendered = Commands.run(List.of("kubectl", "kustomize", RepositoryFiles.path("ops/kubernetes").toString()),
                null, Duration.ofMinutes(1)).ok().output();
        objects = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rendered)) {
            if (document != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) document;
                objects.add(object);
            }
        }
        Files.createDirectories(VALIDATOR);
        for (String file : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Files.copy(RepositoryFiles.path("ops/src/test/kubernetes-schema/" + file), VALIDATOR.resolve(file),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Commands.run(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"), VALIDATOR, Duration.ofMinutes(3)).ok();
    }

    @Test
    void kustomizeRendersEveryManifestAndEachObjectMatchesTheKubernetesSchema() throws Exception {
        // One object per file the kustomization lists, each kind once.
        assertThat(objects).hasSameSizeAs(list(RepositoryFiles.yaml("ops/kubernetes/kustomization.yaml"), "resources"));
        assertThat(objects).extracting(object -> object.get("kind")).containsExactlyInAnyOrder("ConfigMap", "Secret",
                "PersistentVolumeClaim", "Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy");

        Commands.Result result = validate(objects, "objects.json");

        assertThat(result.status()).as(result.output()).isZero();
        for (Map<String, Object> object : objects) {
            assertThat(result.output()).contains("ok " + object.get("apiVersion") + " " + object.get("kind") + "/"
                    + map(object, "metadata").get("name"));
        }
    }

    @Test
    void validatorRefusesAWrongTypeAMissingRequiredFieldAndAnUnknownKind() throws Exception {
        // Copies with one error each, which a validator that accepted anything would let through.
        List<Map<String, Object>> broken = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            Map<String, Object> copy = copy(object);
            switch ((String) copy.get("kind")) {
                case "Deployment" -> map(copy, "spec").put("replicas", "two");
                case "Service" -> ((Map<?, ?>) list(copy, "spec.ports").get(0)).remove("port");
                case "HorizontalPodAutoscaler" -> copy.put("apiVersion", "autoscaling/v3");
                default -> {
                }
            }
            broken.add(copy);
        }

        Commands.Result result = validate(broken, "broken.json");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.output())
                .contains("error apps/v1 Deployment/storycast-gateway: data/spec/replicas must be integer")
                .contains("error v1 Service/storycast-gateway: data/spec/ports/0 must have required property port")
                .contains("error autoscaling/v3 HorizontalPodAutoscaler/storycast-gateway: no schema")
                .contains("ok v1 ConfigMap/storycast-config");
    }

    private static Commands.Result validate(List<Map<String, Object>> objects, String name) throws IOException, InterruptedException {
        Path file = Files.writeString(VALIDATOR.resolve(name), new JsonArray(new ArrayList<>(objects)).encodePrettily());
        Commands.Result result = Commands.run(List.of("node", "validate.mjs", file.getFileName().toString()), VALIDATOR,
                Duration.ofMinutes(1));
        System.out.print(result.output().lines().map(line -> "kubernetes: " + line + "\n").reduce("", String::concat));
        return result;
    }

    private static Map<String, Object> copy(Map<String, Object> object) {
        return new io.vertx.core.json.JsonObject(new io.vertx.core.json.JsonObject(object).encode()).getMap();
    }
}
