package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backends written https://HOST:PORT: TLS with SNI and verification, health checks included, on real TLS servers. */
class HttpsBackendsIT {
    private static TestServer tlsBackend(TestCertificates.Identity identity) throws Exception {
        return new TestServer("127.0.0.1", 0).tls(identity.keyStore()).start();
    }

    @Test
    void aBackendWhoseCertificateVerifiesAgainstBackendTrustIsProxiedToAndCheckedOverTls(@TempDir Path dir)
            throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority("backend CA");
        TestServer backend = tlsBackend(TestCertificates.server(ca, "backend", TestCertificates.rsa()));
        try (backend;
                RunningBalancer balancer = RunningBalancer.start(Map.of(
                        "backends",
                        "https://" + backend.name(),
                        "backendTrust",
                        ca.writeChain(dir.resolve("ca.pem")).toString()))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.healthChecks() > 0);
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = Http.get(balancer.uri("/over-tls/" + i));
                assertEquals(200, response.statusCode(), response.body());
                assertEquals(
                        backend.name(),
                        response.headers().firstValue("X-Backend-Server").orElseThrow());
                assertEquals(
                        backend.name(), json(response).getJsonObject("headers").getString("X-Backend-Server"));
            }
            assertTrue(balancer.backendStats(backend).getBoolean("healthy"));
            assertEquals(backend.name(), balancer.backendStats(backend).getString("address"));
        }
    }

    @Test
    void aBackendNamedByHostGetsThatNameInSniAndMustBeCertifiedForIt(@TempDir Path dir) throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority("backend CA");
        TestServer backend = new TestServer("localhost", 0)
                .tls(TestCertificates.server(ca, "backend", TestCertificates.rsa())
                        .keyStore())
                .start();
        try (backend;
                RunningBalancer balancer = RunningBalancer.start(Map.of(
                        "backends",
                        "https://" + backend.name(),
                        "backendTrust",
                        ca.writeChain(dir.resolve("ca.pem")).toString()))) {
            HttpResponse<String> response = Http.get(balancer.uri("/sni"));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("localhost", json(response).getString("sni"));
            assertEquals(
                    backend.name(),
                    response.headers().firstValue("X-Backend-Server").orElseThrow());
        }
    }

    @Test
    void backendTrustMayBeAPkcs12Truststore(@TempDir Path dir) throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority("backend CA");
        TestServer backend = tlsBackend(TestCertificates.server(ca, "backend", TestCertificates.ec()));
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        Path truststore = dir.resolve("trust.p12");
        try (var out = java.nio.file.Files.newOutputStream(truststore)) {
            trust.store(out, new char[0]);
        }
        try (backend;
                RunningBalancer balancer = RunningBalancer.start(
                        Map.of("backends", "https://" + backend.name(), "backendTrust", truststore.toString()))) {
            assertEquals(200, Http.get(balancer.uri("/")).statusCode());
        }
    }

    @Test
    void aBackendWhoseCertificateDoesNotVerifyIsUnhealthyAndNeverTalkedTo(@TempDir Path dir) throws Exception {
        TestCertificates.Identity trusted = TestCertificates.authority("trusted CA");
        TestCertificates.Identity stranger = TestCertificates.authority("someone else's CA");
        TestServer backend = tlsBackend(TestCertificates.server(stranger, "impostor", TestCertificates.rsa()));
        try (backend;
                RunningBalancer balancer = RunningBalancer.start(Map.of(
                        "backends",
                        "https://" + backend.name(),
                        "backendTrust",
                        trusted.writeChain(dir.resolve("ca.pem")).toString()))) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = Http.get(balancer.uri("/secret"));
                // 502 while it is still taken for healthy, 503 once its checks have found it out.
                assertTrue(response.statusCode() == 502 || response.statusCode() == 503, response.body());
                assertTrue(json(response).containsKey("error"));
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !balancer.backendStats(backend).getBoolean("healthy"));
            assertEquals(0, backend.requests(), "a request reached a backend whose certificate did not verify");
            assertEquals(0, backend.healthChecks(), "a health check was answered over an unverified connection");
        }
    }
}
