package dev.jlb.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/** Reads the CAs that https backends are checked against: a PEM bundle or a PKCS#12 truststore. */
public final class TrustBundles {
    private TrustBundles() {}

    /**
     * The CAs of the file as a truststore, or {@code null} for an empty setting (the JVM's CAs).
     *
     * @throws IllegalArgumentException saying what is wrong with the file
     */
    public static KeyStore read(String file) {
        if (file.isEmpty()) {
            return null;
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("cannot read '" + file + "'");
        }
        try {
            byte[] bytes = Files.readAllBytes(path);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            if (new String(bytes, 0, Math.min(bytes.length, 64), java.nio.charset.StandardCharsets.US_ASCII)
                    .contains("-----BEGIN")) {
                trust.load(null, null);
                Collection<? extends Certificate> certificates;
                try (InputStream in = Files.newInputStream(path)) {
                    certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                int n = 0;
                for (Certificate certificate : certificates) {
                    trust.setCertificateEntry("ca-" + n++, certificate);
                }
                if (n == 0) {
                    throw new IllegalArgumentException("'" + file + "' holds no PEM certificate");
                }
            } else {
                try (InputStream in = Files.newInputStream(path)) {
                    trust.load(in, new char[0]);
                }
                if (trust.size() == 0) {
                    throw new IllegalArgumentException("'" + file + "' holds no certificate");
                }
            }
            return trust;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("'" + file
                    + "' is neither a PEM bundle nor a PKCS#12 truststore without password (" + e.getMessage() + ")");
        }
    }
}
