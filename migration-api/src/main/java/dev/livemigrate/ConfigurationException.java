package dev.livemigrate;

/**
 * A setting of the migration is wrong; nothing was written to the destination.
 *
 * @since 0.1
 */
public class ConfigurationException extends MigrationException {

    public ConfigurationException(ErrorCode errorCode, String message) {
        super(errorCode, message);
    }

    public ConfigurationException(ErrorCode errorCode, String message, Throwable cause) {
        super(errorCode, message, cause);
    }
}
