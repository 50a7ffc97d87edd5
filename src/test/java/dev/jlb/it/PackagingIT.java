package dev.jlb.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The two artifacts of mvn package: a portable WAR, and a launcher that carries that very WAR. */
class PackagingIT {
    private static List<String> entries(ZipFile zip) {
        return Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
    }

    @Test
    void theWarBundlesTheProxyAndClientButNoServerNorServletApiNorLauncher() throws Exception {
        try (ZipFile war = new ZipFile(RunningBalancer.WAR.toFile())) {
            List<String> entries = entries(war);
            assertTrue(entries.contains("WEB-INF/web.xml"));
            assertTrue(
                    entries.stream().anyMatch(e -> e.matches("WEB-INF/lib/jetty-ee10-proxy-12\\.1\\.12\\.jar")),
                    entries.toString());
            assertTrue(
                    entries.stream().anyMatch(e -> e.matches("WEB-INF/lib/jetty-client-12\\.1\\.12\\.jar")),
                    entries.toString());
            assertTrue(entries.stream().anyMatch(e -> e.matches("WEB-INF/lib/yasson-.*\\.jar")), entries.toString());
            // Exactly one SLF4J provider: java.util.logging, which every container has.
            assertTrue(
                    entries.stream().anyMatch(e -> e.matches("WEB-INF/lib/slf4j-jdk14-.*\\.jar")), entries.toString());
            for (String forbidden : List.of(
                    "servlet-api",
                    "jetty-server",
                    "jetty-ee10-webapp",
                    "jetty-ee10-servlet-",
                    "jetty-slf4j-impl",
                    "logback",
                    "picocli",
                    "dev/jlb/launcher/",
                    "jetty-web.xml")) {
                assertFalse(entries.stream().anyMatch(e -> e.contains(forbidden)), forbidden + " leaked into the WAR");
            }
        }
    }

    @Test
    void theLauncherIsExecutableAndCarriesTheVeryWar() throws Exception {
        try (JarFile jar = new JarFile(JlbProcess.JAR.toFile())) {
            assertEquals(
                    "dev.jlb.launcher.Launcher",
                    jar.getManifest().getMainAttributes().getValue("Main-Class"));
            ZipEntry embedded = jar.getEntry("webapp/jlb.war");
            assertNotNull(embedded);
            try (InputStream in = jar.getInputStream(embedded)) {
                assertArrayEquals(Files.readAllBytes(RunningBalancer.WAR), in.readAllBytes());
            }
            List<String> entries = entries(jar);
            assertTrue(entries.contains("picocli/CommandLine.class"));
            assertTrue(entries.contains("org/eclipse/jetty/server/Server.class"));
            assertFalse(entries.stream().anyMatch(e -> e.startsWith("WEB-INF/")));
        }
    }
}
