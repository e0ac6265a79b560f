package dev.livemigrate;

import java.util.regex.Pattern;

/**
 * Hides secrets in text that may be printed: the password of a connection string.
 *
 * @since 0.1
 */
public final class Secrets {

    /** What a hidden secret renders as. */
    public static final String HIDDEN = "<hidden>";

    // scheme://user:password@hosts — the password ends at the last '@' before the host list; any scheme,
    // so that a mistyped one is hidden too
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:)([^/]*)@");

    private Secrets() {
    }

    /** The connection string with its password replaced by {@value #HIDDEN}; {@code null} stays {@code null}. */
    public static String redactConnectionString(String connectionString) {
        if (connectionString == null) {
            return null;
        }
        return USER_INFO.matcher(connectionString).replaceFirst("$1" + HIDDEN + "@");
    }
}
