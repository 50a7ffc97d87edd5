package dev.jlb.it;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made by the test: a CA of its own, and certificates it signs for 127.0.0.1 and localhost. */
final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A key pair and its certificate chain (leaf first). */
    static final class Identity {
        private final KeyPair keys;
        private final X509Certificate[] chain;

        Identity(KeyPair keys, X509Certificate... chain) {
            this.keys = keys;
            this.chain = chain;
        }

        KeyPair keys() {
            return keys;
        }

        X509Certificate certificate() {
            return chain[0];
        }

        /** A PKCS#12 keystore of it, password and key password empty. */
        KeyStore keyStore() throws GeneralSecurityException, IOException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", keys.getPrivate(), new char[0], chain);
            return store;
        }

        /** Writes the chain as PEM. */
        Path writeChain(Path file) throws IOException {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
                for (X509Certificate certificate : chain) {
                    pem.writeObject(certificate);
                }
            }
            return Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
        }

        /** Writes the key as PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
        Path writePkcs8Key(Path file) throws IOException {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
                pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
            }
            return Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
        }

        /** Writes the key in its traditional PEM form: PKCS#1 for RSA, SEC1 for EC. */
        Path writeTraditionalKey(Path file) throws IOException {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
                pem.writeObject(keys);
            }
            return Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
        }

        /** Writes a PKCS#12 keystore with this password. */
        Path writeKeystore(Path file, String password) throws GeneralSecurityException, IOException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", keys.getPrivate(), password.toCharArray(), chain);
            try (var out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            return file;
        }
    }

    private TestCertificates() {}

    static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** A CA of the test's own. */
    static Identity authority(String name) throws Exception {
        KeyPair keys = rsa();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder builder = builder(subject, subject, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new Identity(keys, sign(builder, keys));
    }

    /** A server certificate for 127.0.0.1 and localhost, signed by the CA. */
    static Identity server(Identity ca, String name, KeyPair keys) throws Exception {
        JcaX509v3CertificateBuilder builder = builder(
                new X500Name(ca.certificate().getSubjectX500Principal().getName()), new X500Name("CN=" + name), keys);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")
        }));
        return new Identity(keys, sign(builder, ca.keys()), ca.certificate());
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(30))),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        String algorithm = signer.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        ContentSigner contentSigner = new JcaContentSignerBuilder(algorithm).build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }
}
