package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The very WAR of mvn package in the real Jetty 12.1.12 distribution (jetty-home from Maven
 * Central), run as its own process from a copy of the project's jetty-base/: HTTP/1.1 and h2c on
 * its HTTP port, h2 and HTTP/1.1 on its HTTPS port with the keystore of jetty-base/bin/make-test-keystore.
 */
class JettyDistributionIT {
    /** jlb's shutdownGrace here: short, for the stop with a WebSocket open. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private static final Path JETTY_HOME =
            Path.of(System.getProperty("jetty.home", "target/containers/jetty-home-12.1.12"));

    @Test
    void theWarRunsInJettyHomeConfiguredByTheJettyBase(@TempDir Path temp) throws Exception {
        assertTrue(Files.isRegularFile(JETTY_HOME.resolve("start.jar")), "no jetty-home at " + JETTY_HOME);
        try (Backends backends = Backends.start(2)) {
            // The project's layout: jetty-base/ beside target/jlb.war, the very file mvn package built.
            Path base = temp.resolve("jetty-base");
            ContainerChecks.copyTree(Path.of("jetty-base"), base);
            Files.createDirectories(temp.resolve("target"));
            Files.createSymbolicLink(temp.resolve("target/jlb.war"), RunningBalancer.WAR.toAbsolutePath());
            Path override = base.resolve("webapps/jlb.d/override-web.xml");
            String xml = Files.readString(override);
            xml = ContainerChecks.withSetting(
                    xml,
                    "backends",
                    backends.get(0).name() + "," + backends.get(1).name());
            xml = ContainerChecks.withSetting(xml, "healthCheckInterval", "0.5");
            // A short grace (jetty-base keeps the default 30 s), for the stop with a WebSocket open.
            xml = xml.replace(
                    "</web-app>",
                    "  <context-param><param-name>shutdownGrace</param-name><param-value>" + GRACE.toSeconds()
                            + "</param-value></context-param>\n</web-app>");
            Files.writeString(override, xml);
            // The keystore start.d/https.ini names, made by the base's own script, as the README says
            // (a developer's own, if the copy brought one, is not the test's).
            Files.deleteIfExists(base.resolve("etc/keystore.p12"));
            Files.deleteIfExists(base.resolve("etc/keystore.crt"));
            Tools.run(
                            temp,
                            Map.of("JAVA_HOME", System.getProperty("java.home")),
                            List.of(base.resolve("bin/make-test-keystore").toString()))
                    .succeeded();
            Path certificate = base.resolve("etc/keystore.crt");

            int port = JlbProcess.freePort();
            int tlsPort = JlbProcess.freePort();
            long start = System.nanoTime();
            try (JlbProcess jetty = JlbProcess.java(
                    base,
                    List.of(
                            "-jar",
                            JETTY_HOME.resolve("start.jar").toString(),
                            "jetty.base=" + base,
                            "jetty.http.port=" + port,
                            "jetty.http.host=127.0.0.1",
                            "jetty.ssl.port=" + tlsPort,
                            "jetty.ssl.host=127.0.0.1"))) {
                ContainerChecks.awaitListening(port, jetty);
                System.out.println("jetty-home " + System.getProperty("jetty.version", "12.1.12") + " started jlb in "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
                // jetty-base's jvm.ini: Jetty runs in a child JVM with the recommended options.
                assertTrue(
                        jetty.childCommandLines().stream()
                                .anyMatch(line -> line.contains("-XX:+UseSerialGC") && line.contains("-Xmx128m")),
                        "no Jetty JVM with jvm.ini's options: " + jetty.childCommandLines());
                // least_connections comes from jetty-base's override-web.xml; the WAR says round_robin.
                ContainerChecks.balancesAndReports(port, backends.all(), "least_connections");
                ContainerChecks.cutsOffABrokenResponse(port);
                ContainerChecks.handlesOddRequests(port, backends.all());
                ContainerChecks.speaksHttp2(temp, port, tlsPort, certificate);
                onlyTls12And13WithTheLaunchersCipherSuites(tlsPort, certificate);
                ContainerChecks.loggedCleanly(jetty, "least_connections");
                // jetty-base enables ee10-websocket-jetty: WebSockets are joined at the frame level.
                ContainerChecks.joinsWebSockets(port, backends.all());
                try (var logs = Files.list(base.resolve("logs"))) {
                    assertTrue(
                            logs.anyMatch(f -> f.getFileName().toString().endsWith(".request.log")), "no request log");
                }

                List<ProcessHandle> children = jetty.descendants();
                // Jetty's graceful stop (jlb.ini's stopTimeout) holds the WebSocket open for jlb's
                // grace, then jlb sends 1001, before Jetty closes connections.
                ContainerChecks.closesWebSocketsWith1001AfterTheGrace(port, backends.all(), GRACE, jetty::signalTerm);
                jetty.awaitExit(Duration.ofSeconds(40));
                // The SIGTERM reached the forked Jetty too: nothing is left running once its graceful
                // stop (at most jlb.ini's stopTimeout) is over.
                try {
                    await().atMost(Duration.ofSeconds(40))
                            .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("the forked Jetty is still running: " + threadDumps(children), e);
                }
                ContainerChecks.healthChecksStopped(backends.all());
            }
        }
    }

    /** What each process still alive is doing, for a failure's message. */
    private static String threadDumps(List<ProcessHandle> processes) {
        StringBuilder dumps = new StringBuilder();
        for (ProcessHandle process : processes) {
            if (process.isAlive()) {
                try {
                    Process jstack = new ProcessBuilder(
                                    Path.of(System.getProperty("java.home"), "bin", "jstack")
                                            .toString(),
                                    String.valueOf(process.pid()))
                            .redirectErrorStream(true)
                            .start();
                    dumps.append(new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    dumps.append(process.pid()).append(": no thread dump: ").append(e);
                }
            }
        }
        return dumps.toString();
    }

    /** https.ini's TLS settings took: TLS 1.3 and 1.2, but not a TLS 1.2 client offering CBC suites only. */
    private static void onlyTls12And13WithTheLaunchersCipherSuites(int tlsPort, Path certificate) throws Exception {
        X509Certificate trusted;
        try (InputStream in = Files.newInputStream(certificate)) {
            trusted = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        SSLContext context = TlsIT.trusting(trusted);
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            try (SSLSocket socket =
                    (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), tlsPort)) {
                socket.setEnabledProtocols(new String[] {version});
                socket.startHandshake();
                assertEquals(version, socket.getSession().getProtocol());
            }
        }
        try (SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), tlsPort)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"});
            assertThrows(SSLHandshakeException.class, socket::startHandshake);
        }
    }
}
