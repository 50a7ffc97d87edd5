package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The very WAR of mvn package in the real Jetty 12.1.12 distribution (jetty-home from Maven
 * Central), run as its own process from a copy of the project's jetty-base/.
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

            int port = JlbProcess.freePort();
            long start = System.nanoTime();
            try (JlbProcess jetty = JlbProcess.java(
                    base,
                    List.of(
                            "-jar",
                            JETTY_HOME.resolve("start.jar").toString(),
                            "jetty.base=" + base,
                            "jetty.http.port=" + port,
                            "jetty.http.host=127.0.0.1"))) {
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
                // The SIGTERM reached the forked Jetty too: nothing is left running.
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
                ContainerChecks.healthChecksStopped(backends.all());
            }
        }
    }
}
