package dev.livemigrate.cli;

import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.VerificationReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code livemigrate verify}: compares a destination with a source. Exit 0 equal, 3 different. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares the destination with the source: counts, every document's bytes, indexes and options.",
                "With --rename, each source namespace is compared with the namespace it was migrated to.",
                "Exit codes: 0 equal, 3 differences found, 2 bad input, 1 any other failure."})
final class VerifyCommand implements Callable<Integer> {

    @CommandLine.Mixin
    Endpoints endpoints = new Endpoints();
    @CommandLine.Mixin
    Selection selection = new Selection();
    @Option(names = "--json", description = "The report as one JSON object.")
    boolean json;
    @Option(names = "--migration-id", paramLabel = "ID", description = {"The migration syncing into the destination, if one is:",
            "a difference is read again once it has applied past the source's time, so changes still on their way are not reported."})
    String migrationId;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MigrationSpec.Builder builder = selection.applyTo(endpoints.spec().continuousSync(false), spec.commandLine());
        if (migrationId != null) {
            builder.migrationId(migrationId);
        }
        VerificationReport report = Migrations.verify(builder.build());
        out.println(json ? report.toJson() : render(report));
        out.flush();
        if (report.verifiers().isEmpty()) {
            return 1;
        }
        return report.equal() ? 0 : 3;
    }

    /** A table: one row per namespace, then every difference. */
    static String render(VerificationReport report) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-40s %12s %12s %10s  %s%n", "NAMESPACE", "SOURCE DOCS", "DEST DOCS", "MISMATCHES", "RESULT"));
        for (NamespaceVerification n : report.namespaces()) {
            String name = n.source().equals(n.destination()) ? n.source().fullName() : n.source() + " -> " + n.destination();
            b.append(String.format(Locale.ROOT, "%-40s %,12d %,12d %,10d  %s%n", name, n.sourceDocuments(), n.destinationDocuments(),
                    n.mismatchTotal(), n.equal() ? "EQUAL" : "DIFFERENT"));
        }
        report.differences().forEach(d -> b.append("  ").append(d).append('\n'));
        b.append(report.summary().replaceFirst(": \\d+ difference\\(s\\): .*", ": DIFFERENT"));
        return b.toString();
    }
}
