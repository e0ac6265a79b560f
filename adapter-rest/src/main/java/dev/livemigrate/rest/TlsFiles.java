package dev.livemigrate.rest;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The server's certificate and key for HTTPS ({@code serve --tls-cert FILE --tls-key FILE}): a PEM certificate
 * chain (the server's certificate first) and a PEM private key in PKCS#8 ({@code -----BEGIN PRIVATE KEY-----},
 * RSA or EC; {@code openssl pkcs8 -topk8 -nocrypt} converts other forms).
 */
public record TlsFiles(Path certificate, Path key) {

    public TlsFiles {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /**
     * The server-side context.
     *
     * @throws IllegalArgumentException naming the file that cannot be read or used, and why
     */
    public SSLContext context() {
        List<? extends Certificate> chain = chain();
        PrivateKey privateKey = privateKey();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey, new char[0], chain.toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the key " + key + " does not go with the certificate " + certificate + ": " + e.getMessage(), e);
        }
    }

    private List<? extends Certificate> chain() {
        try {
            List<? extends Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certificate))));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("the certificate file " + certificate + " holds no PEM certificate");
            }
            return chain;
        } catch (IOException e) {
            throw new IllegalArgumentException("the certificate file " + certificate + " cannot be read: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate file " + certificate + " holds no PEM certificate: " + e.getMessage(), e);
        }
    }

    private PrivateKey privateKey() {
        String pem;
        try {
            pem = Files.readString(key, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("the key file " + key + " cannot be read: " + e.getMessage(), e);
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the key file " + key + " holds no PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----);"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // the next algorithm
            }
        }
        throw new IllegalArgumentException("the key file " + key + " holds neither an RSA nor an EC private key");
    }
}
