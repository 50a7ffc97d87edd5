package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/systemd/jlb.service: valid for systemd, hardened, and its command line really runs jlb. */
class SystemdUnitIT {
    private static final Path UNIT = Path.of("deploy/systemd/jlb.service");

    /** The unit's keys and values; a repeated key keeps its last value. */
    private static Map<String, String> directives() throws Exception {
        Map<String, String> directives = new LinkedHashMap<>();
        for (String line : Files.readAllLines(UNIT)) {
            String trimmed = line.strip();
            int equals = trimmed.indexOf('=');
            if (!trimmed.startsWith("#") && equals > 0) {
                directives.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
            }
        }
        return directives;
    }

    @Test
    void systemdFindsNothingWrongWithTheUnit() throws Exception {
        Process verify = new ProcessBuilder(
                        "systemd-analyze", "verify", UNIT.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(verify.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(verify.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, verify.exitValue(), output);
        assertEquals("", output.strip());
    }

    @Test
    void theUnitIsHardenedAndStopsGracefully() throws Exception {
        Map<String, String> unit = directives();
        assertEquals("yes", unit.get("DynamicUser"));
        assertEquals("yes", unit.get("NoNewPrivileges"));
        assertEquals("strict", unit.get("ProtectSystem"));
        assertEquals("yes", unit.get("PrivateTmp"));
        assertEquals("", unit.get("CapabilityBoundingSet"));
        assertEquals("on-failure", unit.get("Restart"));
        assertEquals("SIGTERM", unit.get("KillSignal"));
        int grace = Integer.parseInt(option(unit.get("ExecStart"), "--shutdown-grace"));
        assertTrue(Integer.parseInt(unit.get("TimeoutStopSec")) > grace, "systemd must wait out the grace period");
    }

    private static String option(String commandLine, String name) {
        List<String> words = List.of(commandLine.split("\\s+"));
        return words.get(words.indexOf(name) + 1);
    }

    @Test
    void itsCommandLineRunsJlbAndSigtermStopsItWithStatus0(@TempDir Path logs) throws Exception {
        Map<String, String> unit = directives();
        String javaOpts = Files.readAllLines(UNIT).stream()
                .filter(line -> line.startsWith("Environment=\"JAVA_OPTS="))
                .findFirst()
                .orElseThrow()
                .replaceAll("^Environment=\"JAVA_OPTS=|\"$", "");
        int port = JlbProcess.freePort();
        try (Backends backends = Backends.start(1)) {
            List<String> arguments = new ArrayList<>();
            for (String word : unit.get("ExecStart").strip().split("\\s+", -1)) {
                switch (word) {
                    case "/usr/bin/java" -> {}
                    case "$JAVA_OPTS" -> arguments.addAll(List.of(javaOpts.split("\\s+")));
                    case "/opt/jlb/jlb.jar" ->
                        arguments.add(JlbProcess.JAR.toAbsolutePath().toString());
                    case "8080" -> arguments.add(String.valueOf(port));
                    default -> arguments.add(word.replace("${LOGS_DIRECTORY}", logs.toString()));
                }
            }
            arguments.addAll(List.of("--backends", backends.get(0).name()));
            try (JlbProcess jlb = JlbProcess.java(null, arguments)) {
                jlb.awaitLog(line -> line.contains("jlb listening on port " + port));
                assertEquals(
                        200, Http.get(ContainerChecks.uri(port, "/via-systemd")).statusCode());
                await().until(() -> Files.exists(logs.resolve("access.log"))
                        && Files.readString(logs.resolve("access.log")).contains("/via-systemd"));
                jlb.signalTerm();
                assertEquals(0, jlb.awaitExit(Duration.ofSeconds(Long.parseLong(unit.get("TimeoutStopSec")))));
            }
        }
    }
}
