package dev.livemigrate.core.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * For an {@code *IT} class whose containers Testcontainers starts itself: skipped, saying why, without a Docker
 * engine, unless {@code -Dlivemigrate.it=required} (or {@code LIVEMIGRATE_IT=required}) says this machine must run it;
 * then the containers' start fails the suite, as {@link RealClusters} does.
 */
public final class DockerOrRequired implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (RealClusters.required() || DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("a Docker engine is there, or the suite is required");
        }
        return ConditionEvaluationResult.disabled("no Docker engine: skipped (set -D" + RealClusters.REQUIRED_SWITCH
                + "=required to make this a failure)");
    }
}
