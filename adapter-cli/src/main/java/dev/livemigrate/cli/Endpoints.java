package dev.livemigrate.cli;

import dev.livemigrate.MigrationSpec;
import dev.livemigrate.SourceSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/**
 * The two deployments every command talks to. Connection strings hold passwords, and a command line is
 * visible to every user of the machine ({@code ps}): each may come from an environment variable instead,
 * or from a file ({@code --source @FILE}: picocli puts the file's words in place of {@code @FILE}).
 */
final class Endpoints {

    static final String SOURCE_VARIABLE = "LIVEMIGRATE_SOURCE_URI";
    static final String DESTINATION_VARIABLE = "LIVEMIGRATE_DESTINATION_URI";

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--source", defaultValue = "${env:" + SOURCE_VARIABLE + "}",
            description = "Source connection string (or set " + SOURCE_VARIABLE + ", or give @FILE holding it).")
    String source;

    @Option(names = "--source-ca-file", paramLabel = "PEM",
            description = "CA certificate (PEM) to trust for the source's TLS certificates.")
    Path sourceCaFile;

    @Option(names = "--destination", defaultValue = "${env:" + DESTINATION_VARIABLE + "}",
            description = "Destination connection string (or set " + DESTINATION_VARIABLE + ", or give @FILE holding it).")
    String destination;

    /**
     * A spec builder for these two deployments (the source self-managed, with its CA file if given).
     *
     * @throws ParameterException when a connection string is given neither as an option nor in its variable
     */
    MigrationSpec.Builder spec() {
        require(source, "--source=<source>", SOURCE_VARIABLE);
        require(destination, "--destination=<destination>", DESTINATION_VARIABLE);
        return MigrationSpec.builder().source(SourceSettings.builder().connectionString(source).caFile(sourceCaFile).build())
                .destination(destination);
    }

    private void require(String value, String option, String variable) {
        if (value == null || value.isBlank()) {
            throw new ParameterException(command.commandLine(), "Missing required option: '" + option + "' (or set " + variable + ")");
        }
    }
}
