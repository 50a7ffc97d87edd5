package dev.jlb.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launcher's HTTPS: where its certificate and key are, on which port it serves them, and
 * whether the plain port sends clients there. In a servlet container, TLS is the container's.
 *
 * @param port             the HTTPS port
 * @param certificate      PEM certificate chain, or {@code null} with a keystore
 * @param key              PEM private key (PKCS#8, PKCS#1 or SEC1; RSA or EC), or {@code null} with a keystore
 * @param keystore         PKCS#12 keystore, or {@code null} with PEM files
 * @param keystorePassword its password (may be empty)
 * @param redirectHttps    whether the plain port answers 308 to the same URL on HTTPS
 */
public record TlsSettings(
        int port, Path certificate, Path key, Path keystore, String keystorePassword, boolean redirectHttps) {

    /** Whether the credentials come from a PKCS#12 keystore rather than PEM files. */
    public boolean fromKeystore() {
        return keystore != null;
    }

    /**
     * The TLS settings from the sources, or {@code null} when no certificate is given.
     *
     * @throws ConfigException naming the option that is missing, conflicting or unreadable
     */
    static TlsSettings resolve(ConfigSources sources) throws ConfigException {
        RawValue cert = sources.lookup(Setting.TLS_CERT);
        RawValue key = sources.lookup(Setting.TLS_KEY);
        RawValue keystore = sources.lookup(Setting.TLS_KEYSTORE);
        boolean redirect = BalancerConfig.parse(sources, Setting.REDIRECT_HTTPS, ValueParsers::bool);
        if (cert.value().isEmpty() && key.value().isEmpty() && keystore.value().isEmpty()) {
            if (redirect) {
                throw new ConfigException(
                        Setting.REDIRECT_HTTPS.option(),
                        "needs a certificate (--tls-cert and --tls-key, or --tls-keystore)");
            }
            return null;
        }
        if (!keystore.value().isEmpty()
                && (!cert.value().isEmpty() || !key.value().isEmpty())) {
            throw new ConfigException(
                    keystore.source(), "give either --tls-keystore or --tls-cert with --tls-key, not both");
        }
        int port = BalancerConfig.parse(sources, Setting.TLS_PORT, ValueParsers::port);
        String password = sources.lookup(Setting.TLS_KEYSTORE_PASSWORD).value();
        if (!keystore.value().isEmpty()) {
            return new TlsSettings(port, null, null, readable(keystore), password, redirect);
        }
        if (cert.value().isEmpty()) {
            throw new ConfigException(key.source(), "needs --tls-cert, the certificate chain that goes with the key");
        }
        if (key.value().isEmpty()) {
            throw new ConfigException(cert.source(), "needs --tls-key, the private key of the certificate");
        }
        return new TlsSettings(port, readable(cert), readable(key), null, password, redirect);
    }

    private static Path readable(RawValue value) throws ConfigException {
        Path path = Path.of(value.value());
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(value.source(), "cannot read '" + value.value() + "'");
        }
        return path;
    }
}
