package dev.livemigrate;

/**
 * The migration cannot start in the state the source and destination are in; nothing was written to the destination.
 *
 * @since 0.1
 */
public class ValidationException extends MigrationException {

    public ValidationException(ErrorCode errorCode, String message) {
        super(errorCode, message);
    }

    public ValidationException(ErrorCode errorCode, String message, Throwable cause) {
        super(errorCode, message, cause);
    }
}
