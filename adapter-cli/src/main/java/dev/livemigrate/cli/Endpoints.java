package dev.livemigrate.cli;

import picocli.CommandLine.Option;

/** The two deployments every command talks to. */
final class Endpoints {

    @Option(names = "--source", required = true, description = "Source connection string.")
    String source;

    @Option(names = "--destination", required = true, description = "Destination connection string.")
    String destination;
}
