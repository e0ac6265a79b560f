package dev.livemigrate.core;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.connection.ClusterDescription;
import com.mongodb.connection.ServerDescription;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.SourceUnavailableException;
import dev.livemigrate.ValidationFinding;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * Reaches one side with {@code ping} and, when that fails, names the driver's real reason: the host is not
 * found, the connection is refused, it times out, the TLS handshake fails, or authentication fails. The
 * reason comes from the exception of the command, or, after a server-selection timeout, from what the
 * driver's monitor saw for each host.
 */
final class Reachability {

    /** Why a side could not be used; each gives the finding code suffix and a remedy. */
    enum Reason {
        HOST_NOT_FOUND("the host name does not resolve", "check the host names (and the SRV record) and this machine's DNS"),
        CONNECTION_REFUSED("the connection was refused", "check the ports and that the server is running"),
        UNREACHABLE("no answer in time", "check that the server is running and that this machine may reach it (firewall,"
                + " access list, routes); raise the connect timeout for a slow network"),
        TLS_HANDSHAKE_FAILED("the TLS handshake failed", "check that the server speaks TLS, that the CA file (or the"
                + " system trust store) holds the CA that signed the server's certificate, and the host names it is issued for"),
        AUTHENTICATION_FAILED("authentication failed", "check the user name, password and authSource in the connection"
                + " string, and that the user exists on this deployment");

        final String summary;
        final String remedy;

        Reason(String summary, String remedy) {
            this.summary = summary;
            this.remedy = remedy;
        }
    }

    /** A side that could not be used. */
    record Failure(String side, String description, Reason reason, String detail) {

        /** The finding, coded {@code SOURCE_HOST_NOT_FOUND}, {@code DESTINATION_TLS_HANDSHAKE_FAILED} and so on. */
        ValidationFinding finding() {
            return ValidationFinding.error(side.toUpperCase(Locale.ROOT) + "_" + reason.name(), message(), reason.remedy);
        }

        String message() {
            return "the " + side + " " + description + " cannot be used: " + reason.summary + " (" + detail + ")";
        }
    }

    private Reachability() {
    }

    /** Empty when {@code ping} succeeds, otherwise the classified failure. */
    static Optional<Failure> check(MongoClient client, String side, String description) {
        try {
            client.getDatabase("admin").runCommand(new BsonDocument("ping", new BsonInt32(1)));
            return Optional.empty();
        } catch (MongoTimeoutException e) {
            return Optional.of(fromCluster(client.getClusterDescription(), side, description, e));
        } catch (MongoSecurityException e) {
            return Optional.of(new Failure(side, description, Reason.AUTHENTICATION_FAILED, reason(e)));
        } catch (MongoCommandException e) {
            Reason reason = e.getErrorCode() == 18 ? Reason.AUTHENTICATION_FAILED : Reason.UNREACHABLE;
            return Optional.of(new Failure(side, description, reason, reason(e)));
        } catch (MongoException e) {
            return Optional.of(new Failure(side, description, classify(e).orElse(Reason.UNREACHABLE), reason(e)));
        }
    }

    /**
     * Checks both sides at once and throws for the first that cannot be used (the source first), naming
     * every failure: {@link ErrorCode#SOURCE_UNREACHABLE} or {@link ErrorCode#DESTINATION_UNREACHABLE}.
     */
    static void require(MongoClient source, String sourceDescription, MongoClient destination, String destinationDescription) {
        List<Failure> failures = checkBoth(source, sourceDescription, destination, destinationDescription);
        if (!failures.isEmpty()) {
            Failure first = failures.get(0);
            throw new SourceUnavailableException(first.side().equals("source") ? ErrorCode.SOURCE_UNREACHABLE
                    : ErrorCode.DESTINATION_UNREACHABLE, failures.stream().map(f -> f.message() + ": " + f.reason().remedy)
                    .collect(Collectors.joining("; ")));
        }
    }

    /** The failures of both sides, checked in parallel, the source's first. */
    static List<Failure> checkBoth(MongoClient source, String sourceDescription, MongoClient destination, String destinationDescription) {
        CompletableFuture<Optional<Failure>> s = CompletableFuture.supplyAsync(() -> check(source, "source", sourceDescription));
        Optional<Failure> d = check(destination, "destination", destinationDescription);
        return Stream.of(s.join(), d).flatMap(Optional::stream).toList();
    }

    static Failure fromCluster(ClusterDescription cluster, String side, String description, MongoTimeoutException timeout) {
        if (cluster.getSrvResolutionException() != null) {
            return new Failure(side, description, Reason.HOST_NOT_FOUND, reason(cluster.getSrvResolutionException()));
        }
        for (ServerDescription server : cluster.getServerDescriptions()) {
            Throwable seen = server.getException();
            if (seen != null) {
                return new Failure(side, description, classify(seen).orElse(Reason.UNREACHABLE),
                        server.getAddress() + ": " + reason(seen));
            }
        }
        return new Failure(side, description, Reason.UNREACHABLE, "no server answered within the server selection timeout"
                + (cluster.getServerDescriptions().isEmpty() ? "" : " (" + cluster.getServerDescriptions().stream()
                .map(sd -> sd.getAddress().toString()).collect(Collectors.joining(", ")) + ")"));
    }

    /** The reason named anywhere in the cause chain. */
    static Optional<Reason> classify(Throwable e) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return Optional.of(Reason.HOST_NOT_FOUND);
            }
            if (t instanceof SSLException) {
                return Optional.of(Reason.TLS_HANDSHAKE_FAILED);
            }
            if (t instanceof ConnectException) {
                return Optional.of(Reason.CONNECTION_REFUSED);
            }
            if (t instanceof SocketTimeoutException || t instanceof MongoSocketReadTimeoutException) {
                return Optional.of(Reason.UNREACHABLE);
            }
            if (t instanceof MongoSecurityException || t instanceof MongoCommandException c && c.getErrorCode() == 18) {
                return Optional.of(Reason.AUTHENTICATION_FAILED);
            }
        }
        return Optional.empty();
    }

    /** The innermost message of the cause chain, on one line. */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return root == e ? line : root.getClass().getSimpleName() + ": " + line;
    }
}
