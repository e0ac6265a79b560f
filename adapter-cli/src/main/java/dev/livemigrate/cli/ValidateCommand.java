package dev.livemigrate.cli;

import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code livemigrate validate}: every pre-flight check, all findings at once. Exit 0 without ERROR, 2 with. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Runs every pre-flight check against source and destination; writes nothing.",
                "Exit codes: 0 no ERROR, 2 at least one ERROR."})
final class ValidateCommand implements Callable<Integer> {

    @CommandLine.Mixin
    Endpoints endpoints = new Endpoints();
    @CommandLine.Mixin
    Selection selection = new Selection();
    @CommandLine.Mixin
    ShardingOptions sharding = new ShardingOptions();
    @Option(names = "--clear-destination", description = "Drop destination namespaces the migration writes.")
    boolean clearDestination;
    @Option(names = "--one-time-copy", description = "Check for a one-time copy instead of a live migration.")
    boolean oneTimeCopy;
    @Option(names = "--accept-unfinished-check", paramLabel = "CHECK", description = "Start even if this pre-flight"
            + " check (by name, like oplog-window) fails or times out: its failure becomes a WARNING (repeatable).")
    List<String> acceptedUnfinishedChecks = new ArrayList<>();
    @Option(names = "--json", description = "The report as one JSON object.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MigrationSpec.Builder builder = sharding.applyTo(selection.applyTo(endpoints.spec().continuousSync(!oneTimeCopy)
                .clearDestination(clearDestination), spec.commandLine()));
        acceptedUnfinishedChecks.forEach(builder::acceptUnfinishedCheck);
        ValidationReport report = Migrations.validate(builder.build());
        if (json) {
            out.println(report.toJson());
        } else {
            out.printf(Locale.ROOT, "%-8s %-34s %s%n", "SEVERITY", "CODE", "FINDING");
            for (ValidationFinding f : report.findings()) {
                out.printf(Locale.ROOT, "%-8s %-34s %s%s%n", f.severity(), f.code(), f.message(),
                        f.remedy().isEmpty() ? "" : "\n" + " ".repeat(44) + "-> " + f.remedy());
            }
            out.println(report.hasErrors() ? report.errors().size() + " error(s): the migration would not start" : "no errors");
        }
        out.flush();
        return report.hasErrors() ? 2 : 0;
    }
}
