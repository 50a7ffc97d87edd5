package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTPS in the launcher, with real TLS clients: PEM keys of every form, PKCS#12, TLS versions, rotation, redirects. */
class TlsIT {
    private static TestCertificates.Identity ca;
    private static SSLContext trustingCa;

    @BeforeAll
    static void authority() throws Exception {
        ca = TestCertificates.authority("jlb test CA");
        trustingCa = trusting(ca.certificate());
    }

    static SSLContext trusting(X509Certificate authority) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", authority);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static HttpClient client(HttpClient.Version version) {
        return HttpClient.newBuilder()
                .version(version)
                .sslContext(trustingCa)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static Map<String, String> tlsOptions(Path cert, Path key) {
        return Map.of(
                "tlsCert", cert.toString(), "tlsKey", key.toString(), "tlsPort", String.valueOf(JlbProcess.freePort()));
    }

    /** The certificate a fresh TLS connection to the port gets. */
    private static X509Certificate served(int port) throws Exception {
        try (SSLSocket socket =
                (SSLSocket) trustingCa.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RSA PKCS#8", "RSA PKCS#1", "EC PKCS#8", "EC SEC1"})
    void pemKeysOfEveryFormServeHttpsAndBackendsLearnTheClientCameOverTls(String form, @TempDir Path dir)
            throws Exception {
        TestCertificates.Identity identity = TestCertificates.server(
                ca, name(form), form.startsWith("EC") ? TestCertificates.ec() : TestCertificates.rsa());
        Path cert = identity.writeChain(dir.resolve("cert.pem"));
        Path key = form.endsWith("PKCS#8")
                ? identity.writePkcs8Key(dir.resolve("key.pem"))
                : identity.writeTraditionalKey(dir.resolve("key.pem"));
        assertTrue(Files.readString(key)
                .contains(
                        form.endsWith("PKCS#8")
                                ? "BEGIN PRIVATE KEY"
                                : form.startsWith("RSA") ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY"));
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), tlsOptions(cert, key))) {
            HttpResponse<String> response = client(HttpClient.Version.HTTP_1_1)
                    .send(
                            HttpRequest.newBuilder(balancer.httpsUri("/secure")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("https", json(response).getJsonObject("headers").getString("X-Forwarded-Proto"));
            assertEquals(
                    "CN=" + name(form),
                    served(balancer.tlsPort()).getSubjectX500Principal().getName());
            // The plain port serves on, unchanged.
            assertEquals(
                    "http",
                    json(Http.get(balancer.uri("/plain")))
                            .getJsonObject("headers")
                            .getString("X-Forwarded-Proto"));
        }
    }

    private static String name(String form) {
        return "jlb " + form.replace("#", "");
    }

    @Test
    void aPkcs12KeystoreServesHttps(@TempDir Path dir) throws Exception {
        TestCertificates.Identity identity = TestCertificates.server(ca, "jlb keystore", TestCertificates.rsa());
        Path keystore = identity.writeKeystore(dir.resolve("jlb.p12"), "s3cret");
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(
                        backends.all(),
                        Map.of(
                                "tlsKeystore", keystore.toString(),
                                "tlsKeystorePassword", "s3cret",
                                "tlsPort", String.valueOf(JlbProcess.freePort())))) {
            assertEquals(
                    "CN=jlb keystore",
                    served(balancer.tlsPort()).getSubjectX500Principal().getName());
        }
    }

    @Test
    void onlyTls12And13AreSpokenWithForwardSecrecyAndAead(@TempDir Path dir) throws Exception {
        TestCertificates.Identity identity = TestCertificates.server(ca, "jlb", TestCertificates.ec());
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(
                        backends.all(),
                        tlsOptions(
                                identity.writeChain(dir.resolve("c.pem")),
                                identity.writePkcs8Key(dir.resolve("k.pem"))))) {
            for (String version : List.of("TLSv1.3", "TLSv1.2")) {
                try (SSLSocket socket = (SSLSocket) trustingCa
                        .getSocketFactory()
                        .createSocket(InetAddress.getLoopbackAddress(), balancer.tlsPort())) {
                    socket.setEnabledProtocols(new String[] {version});
                    socket.startHandshake();
                    assertEquals(version, socket.getSession().getProtocol());
                    String suite = socket.getSession().getCipherSuite();
                    assertTrue(suite.contains("GCM") || suite.contains("CHACHA20"), suite);
                    assertTrue(version.equals("TLSv1.3") || suite.contains("ECDHE"), suite);
                }
            }
            // A TLS 1.2 client that offers only CBC suites, which the intermediate profile leaves out.
            try (SSLSocket socket = (SSLSocket)
                    trustingCa.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), balancer.tlsPort())) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
                assertThrows(SSLHandshakeException.class, socket::startHandshake);
            }
            if (Files.isExecutable(Path.of("/usr/bin/openssl"))) {
                Process old = new ProcessBuilder(
                                "openssl",
                                "s_client",
                                "-connect",
                                "127.0.0.1:" + balancer.tlsPort(),
                                "-tls1_1",
                                "-cipher",
                                "DEFAULT@SECLEVEL=0")
                        .redirectErrorStream(true)
                        .start();
                old.getOutputStream().close();
                String output = new String(old.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(old.waitFor(Duration.ofSeconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
                // openssl prints the protocol it tried even when the server refused it: what counts is
                // that no certificate came back and no cipher was agreed.
                assertTrue(
                        output.contains("no peer certificate available") && output.contains("Cipher is (NONE)"),
                        "TLS 1.1 was accepted:\n" + output);
            }
        }
    }

    @Test
    void aRenewedCertificateIsServedToNewConnectionsWithin10SecondsAndOpenOnesStay(@TempDir Path dir) throws Exception {
        TestCertificates.Identity first = TestCertificates.server(ca, "first", TestCertificates.rsa());
        TestCertificates.Identity renewed = TestCertificates.server(ca, "renewed", TestCertificates.ec());
        Path cert = first.writeChain(dir.resolve("cert.pem"));
        Path key = first.writePkcs8Key(dir.resolve("key.pem"));
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), tlsOptions(cert, key))) {
            assertEquals(
                    "CN=first",
                    served(balancer.tlsPort()).getSubjectX500Principal().getName());
            try (SSLSocket open = (SSLSocket)
                    trustingCa.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), balancer.tlsPort())) {
                open.setSoTimeout(10_000);
                assertEquals("HTTP/1.1 200 OK", exchange(open, "/before"));

                // As cert-manager does: new files written beside, then moved into place.
                Path newCert = renewed.writeChain(dir.resolve("cert.new"));
                Path newKey = renewed.writeTraditionalKey(dir.resolve("key.new"));
                Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.move(newCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                long start = System.nanoTime();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> "CN=renewed"
                                .equals(served(balancer.tlsPort())
                                        .getSubjectX500Principal()
                                        .getName()));
                System.out.println("renewed certificate served after "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");

                assertEquals("HTTP/1.1 200 OK", exchange(open, "/after"), "the open connection was dropped");
                assertEquals(
                        "CN=first",
                        ((X509Certificate) open.getSession().getPeerCertificates()[0])
                                .getSubjectX500Principal()
                                .getName());
            }
        }
    }

    /** One keep-alive request on an open TLS connection; returns the status line, reads the body. */
    private static String exchange(SSLSocket socket, String path) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: lb\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String status = in.readLine();
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return status;
    }

    @Test
    void theRedirectSendsPlainRequestsToTheSameUrlOnHttpsWith308AndTheStickyCookieIsSecureThere(@TempDir Path dir)
            throws Exception {
        TestCertificates.Identity identity = TestCertificates.server(ca, "jlb", TestCertificates.rsa());
        int tlsPort = JlbProcess.freePort();
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(
                        backends.all(),
                        Map.of(
                                "tlsCert",
                                        identity.writeChain(dir.resolve("c.pem"))
                                                .toString(),
                                "tlsKey",
                                        identity.writePkcs8Key(dir.resolve("k.pem"))
                                                .toString(),
                                "tlsPort", String.valueOf(tlsPort),
                                "redirectHttps", "true",
                                "sticky", "cookie"))) {
            HttpResponse<String> redirect = Http.send(HttpRequest.newBuilder(balancer.uri("/cart/1?item=7"))
                    .timeout(Http.TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build());
            assertEquals(308, redirect.statusCode());
            assertEquals(
                    "https://127.0.0.1:" + tlsPort + "/cart/1?item=7",
                    redirect.headers().firstValue("Location").orElseThrow());
            HttpResponse<String> secure = client(HttpClient.Version.HTTP_1_1)
                    .send(
                            HttpRequest.newBuilder(balancer.httpsUri("/cart")).build(),
                            HttpResponse.BodyHandlers.ofString());
            String cookie = secure.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.endsWith("; HttpOnly; SameSite=Lax; Secure"), cookie);
        }
    }
}
