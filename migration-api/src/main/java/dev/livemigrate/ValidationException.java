package dev.livemigrate;

import java.util.Optional;

/**
 * The migration cannot start in the state the source and destination are in; nothing was written to the destination.
 * When pre-flight checks refused the start, {@link #report()} holds every finding (so a caller can show each
 * ERROR on its own, not only the message that names them all).
 *
 * @since 0.1
 */
public class ValidationException extends MigrationException {

    private final transient ValidationReport report;

    public ValidationException(ErrorCode errorCode, String message) {
        this(errorCode, message, (ValidationReport) null);
    }

    public ValidationException(ErrorCode errorCode, String message, Throwable cause) {
        super(errorCode, message, cause);
        this.report = null;
    }

    /** A refusal by the pre-flight checks, with all their findings. */
    public ValidationException(ErrorCode errorCode, String message, ValidationReport report) {
        super(errorCode, message);
        this.report = report;
    }

    /** The pre-flight checks' findings, when they refused the start. */
    public Optional<ValidationReport> report() {
        return Optional.ofNullable(report);
    }
}
