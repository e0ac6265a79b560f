package dev.livemigrate;

/**
 * The source or the destination could not be reached; nothing was written to the destination.
 *
 * @since 0.1
 */
public class SourceUnavailableException extends MigrationException {

    public SourceUnavailableException(ErrorCode errorCode, String message) {
        super(errorCode, message);
    }

    public SourceUnavailableException(ErrorCode errorCode, String message, Throwable cause) {
        super(errorCode, message, cause);
    }
}
