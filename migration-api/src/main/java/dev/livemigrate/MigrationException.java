package dev.livemigrate;

import java.util.Objects;

/**
 * Root of every exception the library throws. Carries a stable {@link ErrorCode}; the message says
 * what was wrong, with which input (secrets hidden), and what to do about it. A driver exception, when
 * there is one, stays the cause.
 *
 * @since 0.1
 */
public class MigrationException extends RuntimeException {

    private final ErrorCode errorCode;

    public MigrationException(ErrorCode errorCode, String message) {
        this(errorCode, message, null);
    }

    public MigrationException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    /** The stable code of this failure. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    @Override
    public String getMessage() {
        return "[" + errorCode + "] " + super.getMessage();
    }
}
