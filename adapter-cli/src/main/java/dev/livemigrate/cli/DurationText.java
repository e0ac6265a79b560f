package dev.livemigrate.cli;

import dev.livemigrate.ConfigurationException;
import dev.livemigrate.Durations;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;

/** Durations as the CLI writes them everywhere: {@code 500ms}, {@code 2s}, {@code 5m}, {@code 120h}, {@code 3d} (parsed by the library's {@link Durations}). */
final class DurationText implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        try {
            return Durations.parse(value);
        } catch (ConfigurationException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    static String format(Duration d) {
        if (d == null) {
            return "-";
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 120_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        if (ms < 7_200_000) {
            return (ms / 60_000) + "m";
        }
        return (ms / 3_600_000) + "h";
    }
}
