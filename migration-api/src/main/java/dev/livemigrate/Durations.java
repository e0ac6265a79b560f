package dev.livemigrate;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them to livemigrate, on the command line and in the control plane's JSON alike:
 * a whole number and a unit, {@code 500ms}, {@code 2s}, {@code 5m}, {@code 120h}, {@code 3d}.
 *
 * @since 0.1
 */
public final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses {@code 500ms}, {@code 2s}, {@code 5m}, {@code 120h} or {@code 3d} (case and surrounding blanks ignored).
     *
     * @throws ConfigurationException {@link ErrorCode#INVALID_SPEC} naming the text and the accepted form
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigurationException(ErrorCode.INVALID_SPEC, problem(text));
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** What is wrong with a text that is not a duration, and the accepted form. */
    static String problem(String text) {
        return "'" + text + "' is not a duration: write a whole number and a unit, for example 500ms, 2s, 5m, 120h or 3d";
    }
}
