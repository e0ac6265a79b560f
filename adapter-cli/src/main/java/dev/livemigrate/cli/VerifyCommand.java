package dev.livemigrate.cli;

import dev.livemigrate.Migrations;
import dev.livemigrate.VerificationResult;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code livemigrate verify}: compares a destination with a source. Exit 0 equal, 3 different. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares the destination with the source: counts, every document's bytes, indexes and options.",
                "Exit codes: 0 equal, 3 differences found, 2 bad input, 1 any other failure."})
final class VerifyCommand implements Callable<Integer> {

    @CommandLine.Mixin
    Endpoints endpoints = new Endpoints();
    @Option(names = "--include", description = "Namespace pattern to compare, like sales.* (repeatable).")
    List<String> includes = new ArrayList<>();
    @Option(names = "--json", description = "One JSON object per verifier.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<VerificationResult> results = Migrations.verify(endpoints.source, endpoints.destination, includes);
        boolean equal = true;
        for (VerificationResult r : results) {
            equal &= r.equal();
            out.println(json
                    ? new BsonDocument("type", new BsonString("verification")).append("verifier", new BsonString(r.verifier()))
                    .append("equal", BsonBoolean.valueOf(r.equal())).append("summary", new BsonString(r.summary())).toJson()
                    : String.format(Locale.ROOT, "%-20s %-9s %s", r.verifier(), r.equal() ? "EQUAL" : "DIFFERENT", r.summary()));
        }
        if (results.isEmpty()) {
            out.println("no verifier on the class path: nothing was compared");
            return 1;
        }
        out.flush();
        return equal ? 0 : 3;
    }
}
