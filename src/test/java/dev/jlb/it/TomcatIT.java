package dev.jlb.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The very WAR of mvn package in the real Tomcat 11 distribution (from Maven Central), as its
 * own process, configured by the project's deploy/tomcat/context.xml, with the connectors of
 * deploy/tomcat/server-http2.xml: h2c on the HTTP port, h2 over TLS with a PEM certificate.
 */
class TomcatIT {
    /** jlb's shutdownGrace here: short, for the stop with a WebSocket open. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private static final Path CATALINA_HOME =
            Path.of(System.getProperty("catalina.home.dir", "target/containers/apache-tomcat-11.0.18"));

    @Test
    void theWarRunsInTomcatConfiguredByContextXml(@TempDir Path temp) throws Exception {
        assertTrue(Files.isRegularFile(CATALINA_HOME.resolve("bin/bootstrap.jar")), "no Tomcat at " + CATALINA_HOME);
        try (Backends backends = Backends.start(2)) {
            int port = JlbProcess.freePort();
            Path base = temp.resolve("catalina-base");
            ContainerChecks.copyTree(CATALINA_HOME.resolve("conf"), base.resolve("conf"));
            for (String directory : List.of("logs", "temp", "webapps", "work", "conf/Catalina/localhost")) {
                Files.createDirectories(base.resolve(directory));
            }
            // deploy/tomcat/server-http2.xml's connectors in place of the HTTP one, as its comment says,
            // with the PEM certificate and key they name (signed by a CA of the test's).
            int tlsPort = JlbProcess.freePort();
            String connectors = Files.readString(Path.of("deploy/tomcat/server-http2.xml"))
                    .replaceAll("(?s)<!--.*?-->", "")
                    .replace(" port=\"8080\"", " port=\"" + port + "\" address=\"127.0.0.1\"")
                    .replace(" port=\"8443\"", " port=\"" + tlsPort + "\" address=\"127.0.0.1\"");
            TestCertificates.Identity ca = TestCertificates.authority("jlb Tomcat test CA");
            Path caPem = ca.writeChain(temp.resolve("ca.pem"));
            TestCertificates.Identity identity = TestCertificates.server(ca, "tomcat", TestCertificates.rsa());
            identity.writeChain(base.resolve("conf/jlb-cert.pem"));
            identity.writePkcs8Key(base.resolve("conf/jlb-key.pem"));
            Path serverXml = base.resolve("conf/server.xml");
            String defaults = Files.readString(serverXml);
            String withHttp2 = defaults.replaceFirst(
                    "<Connector port=\"8080\" protocol=\"HTTP/1.1\"[^>]*/>", Matcher.quoteReplacement(connectors));
            assertNotEquals(defaults, withHttp2, "no HTTP connector on 8080 in Tomcat's server.xml");
            Files.writeString(
                    serverXml,
                    withHttp2
                            .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                            // Tomcat looks for changed context files every second (10 by default): the undeploy.
                            .replace(
                                    "<Engine name=\"Catalina\" defaultHost=\"localhost\">",
                                    "<Engine name=\"Catalina\" defaultHost=\"localhost\" backgroundProcessorDelay=\"1\">")
                            // As the README recommends: Tomcat's own error answers (CONNECT, a bad request line) in
                            // JSON too.
                            .replace(
                                    "<Host name=\"localhost\"",
                                    "<Host errorReportValveClass=\"org.apache.catalina.valves.JsonErrorReportValve\" name=\"localhost\""));

            String context = Files.readString(Path.of("deploy/tomcat/context.xml"))
                    .replace(
                            "docBase=\"/opt/jlb/jlb.war\"", "docBase=\"" + RunningBalancer.WAR.toAbsolutePath() + "\"");
            context = ContainerChecks.withSetting(
                    context,
                    "backends",
                    backends.get(0).name() + "," + backends.get(1).name());
            context = ContainerChecks.withSetting(context, "algorithm", "weighted_round_robin");
            context = ContainerChecks.withSetting(context, "healthCheckInterval", "0.5");
            context = ContainerChecks.withSetting(context, "sticky", "cookie");
            context = ContainerChecks.withSetting(context, "shutdownGrace", String.valueOf(GRACE.toSeconds()));
            Path rootXml = base.resolve("conf/Catalina/localhost/ROOT.xml");
            Files.writeString(rootXml, context);

            long start = System.nanoTime();
            try (JlbProcess tomcat = JlbProcess.java(
                    base,
                    List.of(
                            "-Dcatalina.home=" + CATALINA_HOME.toAbsolutePath(),
                            "-Dcatalina.base=" + base,
                            "-Djava.io.tmpdir=" + base.resolve("temp"),
                            "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                            "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                            "-cp",
                            CATALINA_HOME.resolve("bin/bootstrap.jar").toAbsolutePath()
                                    + java.io.File.pathSeparator
                                    + CATALINA_HOME
                                            .resolve("bin/tomcat-juli.jar")
                                            .toAbsolutePath(),
                            "org.apache.catalina.startup.Bootstrap",
                            "start"))) {
                ContainerChecks.awaitListening(port, tomcat);
                System.out.println("Tomcat started jlb in "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
                // weighted_round_robin comes from context.xml; the WAR says round_robin. (Not random: six
                // requests to one of two backends by chance, one run in 32, would fail the spread check.)
                ContainerChecks.balancesAndReports(port, backends.all(), "weighted_round_robin");
                ContainerChecks.cutsOffABrokenResponse(port);
                ContainerChecks.handlesOddRequests(port, backends.all());
                ContainerChecks.sticksBySession(port);
                ContainerChecks.speaksHttp2(temp, port, tlsPort, caPem);
                ContainerChecks.loggedCleanly(tomcat, "weighted_round_robin");
                ContainerChecks.joinsWebSockets(port, backends.all());

                // Undeployed (its context file removed): an upgraded connection outlives the webapp,
                // and jlb's destroy() closes it with 1001 once the grace is over.
                ContainerChecks.closesWebSocketsWith1001AfterTheGrace(port, backends.all(), GRACE, () -> {
                    try {
                        Files.delete(rootXml);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                assertTrue(Files.isRegularFile(RunningBalancer.WAR), "the undeploy deleted the WAR");
                Files.writeString(rootXml, context);
                ContainerChecks.awaitListening(port, tomcat);

                // Tomcat stops the webapp (the servlet's destroy) before it closes connections;
                // upgraded ones outlive the webapp, so jlb closes them itself after the grace.
                ContainerChecks.closesWebSocketsWith1001AfterTheGrace(port, backends.all(), GRACE, tomcat::signalTerm);
                tomcat.awaitExit(Duration.ofSeconds(40));
                ContainerChecks.healthChecksStopped(backends.all());
            }
        }
    }
}
