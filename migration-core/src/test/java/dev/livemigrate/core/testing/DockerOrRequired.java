package dev.livemigrate.core.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

import java.util.List;

/**
 * For an {@code *IT} class whose containers Testcontainers starts itself: skipped, saying why, without a Docker
 * engine, unless {@code -Dlivemigrate.it=required} (or {@code LIVEMIGRATE_IT=required}) says this machine must run it;
 * then the containers' start fails the suite, as {@link RealClusters} does. A suite that can run against clusters
 * named by environment variables instead ({@link #unlessNamed}) runs without Docker when every one of them is set.
 */
public final class DockerOrRequired implements ExecutionCondition {

    private final List<String> variables;

    /** Docker (or {@code required}) is the only way to run the suite: for {@code @ExtendWith}. */
    public DockerOrRequired() {
        this.variables = List.of();
    }

    private DockerOrRequired(List<String> variables) {
        this.variables = List.copyOf(variables);
    }

    /** Also enabled without Docker when every one of these environment variables is set: for {@code @RegisterExtension}. */
    public static DockerOrRequired unlessNamed(String... variables) {
        return new DockerOrRequired(List.of(variables));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean named = !variables.isEmpty() && variables.stream().allMatch(v -> System.getenv(v) != null);
        if (named || RealClusters.required() || DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("a Docker engine is there, the clusters are named, or the suite is required");
        }
        String alternative = variables.isEmpty() ? "" : " and not all of " + String.join(", ", variables) + " are set";
        return ConditionEvaluationResult.disabled("no Docker engine" + alternative + ": skipped (set -D"
                + RealClusters.REQUIRED_SWITCH + "=required to make this a failure)");
    }
}
