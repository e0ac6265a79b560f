package dev.livemigrate.cli;

import dev.livemigrate.MigrationSpec;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Which namespaces a migration writes where: the options {@code run}, {@code validate} and {@code verify} share. */
final class Selection {

    @Option(names = "--include", description = "Namespace pattern to migrate, like sales.* (repeatable).")
    List<String> includes = new ArrayList<>();
    @Option(names = "--exclude", description = "Namespace pattern to leave out (repeatable).")
    List<String> excludes = new ArrayList<>();
    @Option(names = "--rename", description = "FROM=TO, like sales.*=shop.* or a.b=c.d (repeatable).")
    List<String> renames = new ArrayList<>();

    /** Applies the options to {@code builder}; a malformed rename is a parameter error of {@code command}. */
    MigrationSpec.Builder applyTo(MigrationSpec.Builder builder, CommandLine command) {
        includes.forEach(builder::include);
        excludes.forEach(builder::exclude);
        for (String r : renames) {
            int eq = r.indexOf('=');
            if (eq <= 0 || eq == r.length() - 1) {
                throw new CommandLine.ParameterException(command, "--rename '" + r + "' must be FROM=TO, like sales.*=shop.*");
            }
            builder.rename(r.substring(0, eq), r.substring(eq + 1));
        }
        return builder;
    }
}
