package io.storycast.ops;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules as Prometheus reads them: Debian's {@code promtool} (package {@code prometheus}) checks the
 * rules file and runs its unit tests ({@code storycast-alerts.test.yml}: which alerts fire, when, with which
 * labels and annotations). Tag {@code ops-tools}, profile with-ops-tools.
 */
@Tag("ops-tools")
class PromtoolTest {
    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Result check = promtool("check", "rules", RepositoryFiles.path(OpsQueries.ALERTS).toString());

        assertThat(check.status()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + OpsQueries.alertRules().size() + " rules found");
    }

    @Test
    void alertUnitTestsPass() throws Exception {
        Result test = promtool("test", "rules", RepositoryFiles.path("ops/prometheus/storycast-alerts.test.yml").toString());

        assertThat(test.status()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void promtoolRefusesABrokenExpressionAndAnAlertThatDoesNotFireAsExpected(@TempDir Path folder) throws Exception {
        // The same two checks on copies that must fail: a typo in an expression, and a unit test expecting the
        // lag alert 10 minutes early. A promtool that accepted anything would fail here.
        String rules = RepositoryFiles.read(OpsQueries.ALERTS);
        String brokenRules = rules.replace("max by (partition) (storycast_stream_lag) > 1000",
                "max by (partition (storycast_stream_lag) > 1000");
        String unitTests = RepositoryFiles.read("ops/prometheus/storycast-alerts.test.yml");
        String earlyUnitTests = unitTests.replace("- eval_time: 20m", "- eval_time: 10m");
        // A replace that matched nothing would test the originals: promtool would then pass and this test fail on
        // its status, for the wrong reason. Say so plainly instead.
        assertThat(brokenRules).as("the lag expression to break is in the rules").isNotEqualTo(rules);
        assertThat(earlyUnitTests).as("the 20 m evaluation to move is in the unit tests").isNotEqualTo(unitTests);
        Path broken = Files.writeString(folder.resolve("broken.yml"), brokenRules);
        Files.writeString(folder.resolve("storycast-alerts.yml"), rules);
        Path earlyTest = Files.writeString(folder.resolve("early.test.yml"), earlyUnitTests);

        Result check = promtool("check", "rules", broken.toString());
        Result test = promtool("test", "rules", earlyTest.toString());

        assertThat(check.status()).isNotZero();
        assertThat(check.output()).contains("parse error");
        assertThat(test.status()).isNotZero();
        assertThat(test.output()).contains("StorycastStreamLagGrowing");
    }

    private record Result(int status, String output) {
    }

    private static Result promtool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }
}
