package dev.livemigrate;

import com.mongodb.ConnectionString;
import com.mongodb.MongoConfigurationException;

/**
 * Parses connection strings the way every part of livemigrate does, with one error for a malformed one.
 *
 * @since 0.1
 */
public final class ConnectionStrings {

    private ConnectionStrings() {
    }

    /**
     * Parses a standard or SRV connection string.
     *
     * @param side what the string is for ("source", "destination"), named in the error
     * @throws ConfigurationException {@link ErrorCode#INVALID_CONNECTION_STRING} with the string (password
     *                                hidden), the driver's reason and the expected form; also for an SRV string
     *                                whose TXT record cannot be looked up (the driver reads it while parsing)
     */
    public static ConnectionString parse(String uri, String side) {
        try {
            return new ConnectionString(uri);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(ErrorCode.INVALID_CONNECTION_STRING,
                    "the " + side + " connection string '" + Secrets.redactConnectionString(uri) + "' is malformed: "
                            + e.getMessage() + ". Use the form mongodb://[user:password@]host[:port][,host...][/?options]"
                            + " or mongodb+srv://host", e);
        } catch (MongoConfigurationException e) {
            // the driver looks up an SRV string's TXT record while parsing it
            throw new ConfigurationException(ErrorCode.INVALID_CONNECTION_STRING,
                    "the " + side + " connection string '" + Secrets.redactConnectionString(uri) + "' cannot be used: "
                            + e.getMessage() + ". A mongodb+srv:// string needs its host's SRV and TXT records in DNS:"
                            + " check the host name, or list the hosts with mongodb://host:port,...", e);
        }
    }
}
