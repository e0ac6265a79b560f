package dev.livemigrate.cli;

import dev.livemigrate.MigrationSpec;
import dev.livemigrate.SourceSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The two deployments every command talks to. */
final class Endpoints {

    @Option(names = "--source", required = true, description = "Source connection string.")
    String source;

    @Option(names = "--source-ca-file", paramLabel = "PEM",
            description = "CA certificate (PEM) to trust for the source's TLS certificates.")
    Path sourceCaFile;

    @Option(names = "--destination", required = true, description = "Destination connection string.")
    String destination;

    /** A spec builder for these two deployments (the source self-managed, with its CA file if given). */
    MigrationSpec.Builder spec() {
        return MigrationSpec.builder().source(SourceSettings.builder().connectionString(source).caFile(sourceCaFile).build())
                .destination(destination);
    }
}
