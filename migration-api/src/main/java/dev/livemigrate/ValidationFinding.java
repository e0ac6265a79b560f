package dev.livemigrate;

/**
 * One finding of a pre-flight check.
 *
 * @param code     stable identifier, for example {@code SOURCE_MISSING_PRIVILEGE}
 * @param severity ERROR blocks the start, WARNING and INFO do not
 * @param message  what was found, naming the exact object (host, role, namespace)
 * @param remedy   what the operator can do about it
 * @since 0.1
 */
public record ValidationFinding(String code, Severity severity, String message, String remedy) {

    /** How much a finding matters. */
    public enum Severity { ERROR, WARNING, INFO }

    public static ValidationFinding error(String code, String message, String remedy) {
        return new ValidationFinding(code, Severity.ERROR, message, remedy);
    }

    public static ValidationFinding warning(String code, String message, String remedy) {
        return new ValidationFinding(code, Severity.WARNING, message, remedy);
    }

    public static ValidationFinding info(String code, String message) {
        return new ValidationFinding(code, Severity.INFO, message, "");
    }
}
