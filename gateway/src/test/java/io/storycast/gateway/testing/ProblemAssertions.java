package io.storycast.gateway.testing;

import io.storycast.gateway.http.Problems;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks an error answer: its status, the problem+json type and the members every problem carries. */
public final class ProblemAssertions {
    private ProblemAssertions() {
    }

    /** @return the problem document, for checks of its {@code field} or {@code limit} */
    public static JsonObject assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Problems.PROBLEM_JSON);
        JsonObject problem = new JsonObject(response.body());
        assertThat(problem.getString("type")).isEqualTo("urn:storycast:problem:" + type);
        assertThat(problem.getInteger("status")).isEqualTo(status);
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).isNotBlank();
        return problem;
    }
}
