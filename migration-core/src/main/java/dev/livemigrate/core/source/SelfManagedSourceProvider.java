package dev.livemigrate.core.source;

import com.google.auto.service.AutoService;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ConnectionStrings;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.Secrets;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.spi.Source;
import dev.livemigrate.spi.SourceProvider;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The {@code self-managed} source: a replica set or sharded cluster reached by a standard or SRV
 * connection string, optionally trusting a custom CA file for TLS.
 */
@AutoService(SourceProvider.class)
public final class SelfManagedSourceProvider implements SourceProvider {

    @Override
    public String name() {
        return SourceSettings.SELF_MANAGED;
    }

    @Override
    public Source open(SourceSettings settings) {
        String uri = settings.connectionString().orElseThrow(() -> new ConfigurationException(ErrorCode.INVALID_SPEC,
                "the self-managed source has no connection string: set one, for example mongodb://host:27017"));
        ConnectionString connectionString = ConnectionStrings.parse(uri, "source");
        MongoClientSettings.Builder builder = MongoClientSettings.builder().applyConnectionString(connectionString);
        settings.caFile().ifPresent(ca -> {
            SSLContext context = sslContext(ca);
            builder.applyToSslSettings(s -> s.enabled(true).context(context));
        });
        MongoClientSettings clientSettings = builder.build();
        String description = Secrets.redactConnectionString(uri);
        return Source.of(clientSettings, description);
    }

    /** An SSL context trusting the certificates of a PEM file. */
    static SSLContext sslContext(Path caFile) {
        if (!Files.isReadable(caFile)) {
            throw new ConfigurationException(ErrorCode.CA_FILE_UNREADABLE,
                    "the CA file " + caFile + " does not exist or cannot be read: give the path of a readable PEM file");
        }
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in the file");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new ConfigurationException(ErrorCode.CA_FILE_NOT_PEM,
                    "the CA file " + caFile + " is not a PEM certificate file (" + e.getMessage()
                            + "): give the CA certificate in PEM form", e);
        }
    }
}
