package dev.jlb.launcher;

import dev.jlb.config.ConfigException;
import dev.jlb.config.Setting;
import dev.jlb.config.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The launcher's TLS certificate and key, read into a keystore: from PEM files as nginx and
 * HAProxy take them (and as cert-manager and Let's Encrypt write them), read by BouncyCastle's
 * {@link PEMParser} (PKCS#8, PKCS#1 and SEC1 keys, RSA or EC), or from a PKCS#12 keystore. The key
 * must match the certificate: a signature made with the key must verify with the certificate.
 */
final class TlsCredentials {
    private static final String ALIAS = "jlb";

    private final KeyStore keyStore;
    private final String summary;

    private TlsCredentials(KeyStore keyStore, String summary) {
        this.keyStore = keyStore;
        this.summary = summary;
    }

    /** The keystore, with one key entry; its password and the key's are empty. */
    KeyStore keyStore() {
        return keyStore;
    }

    /** The certificate's subject and expiry, for the log. */
    String summary() {
        return summary;
    }

    /**
     * Reads the credentials the settings name.
     *
     * @throws ConfigException naming the option whose file is bad
     */
    static TlsCredentials load(TlsSettings tls) throws ConfigException {
        return tls.fromKeystore() ? fromKeystore(tls) : fromPem(tls);
    }

    /** A digest of the files' contents: it changes when any of them does (a renewal, a symlink swap). */
    static String fingerprint(TlsSettings tls) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : tls.fromKeystore() ? List.of(tls.keystore()) : List.of(tls.certificate(), tls.key())) {
                digest.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static TlsCredentials fromKeystore(TlsSettings tls) throws ConfigException {
        String option = Setting.TLS_KEYSTORE.option();
        char[] password = tls.keystorePassword().toCharArray();
        KeyStore keyStore;
        try (InputStream in = Files.newInputStream(tls.keystore())) {
            keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    option,
                    "cannot read the PKCS#12 keystore '" + tls.keystore() + "' (" + reason(e)
                            + "); is --tls-keystore-password right?");
        }
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) keyStore.getKey(alias, password);
                    Certificate[] chain = keyStore.getCertificateChain(alias);
                    if (chain == null || chain.length == 0) {
                        throw new ConfigException(option, "the key '" + alias + "' has no certificate chain");
                    }
                    checkMatch(key, (X509Certificate) chain[0], option);
                    return single(key, chain);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException(
                    option, "cannot take the key out of '" + tls.keystore() + "' (" + reason(e) + ")");
        }
        throw new ConfigException(option, "'" + tls.keystore() + "' holds no private key");
    }

    private static TlsCredentials fromPem(TlsSettings tls) throws ConfigException {
        List<X509Certificate> chain = readCertificates(tls.certificate());
        PrivateKey key = readKey(tls.key(), chain.get(0));
        checkMatch(key, chain.get(0), Setting.TLS_KEY.option());
        try {
            return single(key, chain.toArray(new Certificate[0]));
        } catch (GeneralSecurityException e) {
            throw new ConfigException(Setting.TLS_CERT.option(), "cannot build a keystore: " + reason(e));
        }
    }

    private static List<X509Certificate> readCertificates(Path file) throws ConfigException {
        String option = Setting.TLS_CERT.option();
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser pem = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object object = pem.readObject(); object != null; object = pem.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(option, "cannot read a PEM certificate from '" + file + "' (" + reason(e) + ")");
        }
        if (chain.isEmpty()) {
            throw new ConfigException(option, "'" + file + "' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file, X509Certificate certificate) throws ConfigException {
        String option = Setting.TLS_KEY.option();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser pem = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = pem.readObject(); object != null; object = pem.readObject()) {
                if (object instanceof PEMKeyPair pair) {
                    // A SEC1 key may leave out its public half and even its curve: only the private
                    // scalar is needed, and the certificate names the curve.
                    PrivateKeyInfo info = pair.getPrivateKeyInfo();
                    if (info.getPrivateKeyAlgorithm().getParameters() == null
                            && certificate.getPublicKey() instanceof ECPublicKey ecKey) {
                        BigInteger scalar = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey())
                                .getKey();
                        return KeyFactory.getInstance("EC")
                                .generatePrivate(new ECPrivateKeySpec(scalar, ecKey.getParams()));
                    }
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(option, "cannot read a PEM private key from '" + file + "' (" + reason(e) + ")");
        }
        throw new ConfigException(
                option, "'" + file + "' holds no unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)");
    }

    /** Signs with the key and verifies with the certificate: they belong together, or this fails. */
    private static void checkMatch(PrivateKey key, X509Certificate certificate, String option) throws ConfigException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new ConfigException(option, "a " + key.getAlgorithm() + " key; expected RSA or EC");
        };
        byte[] probe = "jlb".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // reported below
        }
        throw new ConfigException(
                option,
                "the private key does not match the certificate ("
                        + certificate.getSubjectX500Principal().getName() + ")");
    }

    private static TlsCredentials single(PrivateKey key, Certificate[] chain) throws GeneralSecurityException {
        char[] password = new char[0];
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try {
            keyStore.load(null, password);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        keyStore.setKeyEntry(ALIAS, key, password, chain);
        X509Certificate leaf = (X509Certificate) chain[0];
        return new TlsCredentials(
                keyStore,
                leaf.getSubjectX500Principal().getName() + ", valid until "
                        + leaf.getNotAfter().toInstant());
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public String toString() {
        return "TlsCredentials[" + summary + "]";
    }
}
