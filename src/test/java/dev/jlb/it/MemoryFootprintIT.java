package dev.jlb.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jlb's peak memory (the process's resident set at its highest, VmHWM) under the benchmark's
 * kinds of load, started with the recommended JVM options exactly as the systemd unit gives them:
 * the unit is the one place they are written down, so the README, the unit and this test agree.
 */
class MemoryFootprintIT {
    /** What a Kubernetes limit or a systemd MemoryMax for one instance can be set to (README, "Performance"). */
    static final long LIMIT_MIB = 192;

    private static final Path UNIT = Path.of("deploy/systemd/jlb.service");

    /** The unit's {@code JAVA_OPTS}. */
    static List<String> recommendedJvmOptions() throws Exception {
        Matcher options =
                Pattern.compile("(?m)^Environment=\"JAVA_OPTS=([^\"]*)\"$").matcher(Files.readString(UNIT));
        assertTrue(options.find(), "no JAVA_OPTS in " + UNIT);
        return Arrays.stream(options.group(1).trim().split("\\s+")).collect(Collectors.toList());
    }

    /** The unit's other {@code Environment=NAME=value} lines, such as MALLOC_ARENA_MAX. */
    static Map<String, String> recommendedEnvironment() throws Exception {
        Matcher lines = Pattern.compile("(?m)^Environment=([A-Z_]+)=(\\S+)$").matcher(Files.readString(UNIT));
        Map<String, String> environment = new java.util.HashMap<>();
        while (lines.find()) {
            environment.put(lines.group(1), lines.group(2));
        }
        assertTrue(environment.containsKey("MALLOC_ARENA_MAX"), "no MALLOC_ARENA_MAX in " + UNIT);
        return environment;
    }

    private static long peakRssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmHWM for process " + pid);
    }

    /** Runs h2load over HTTP/1.1; every request must succeed with a 2xx. */
    private static void h2load(Path scratch, int requests, int connections, String url, String... more)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Tools.h2load(), "--h1", "-n", String.valueOf(requests), "-c", String.valueOf(connections), "-t", "1"));
        command.addAll(List.of(more));
        command.add(url);
        Tools.Result result = Tools.run(scratch, command);
        assertEquals(0, result.status(), result.stdout() + result.stderr());
        assertTrue(
                result.stdout().contains(requests + " succeeded")
                        && result.stdout().contains(requests + " 2xx"),
                result.stdout());
    }

    @Test
    void peakMemoryUnderSmallGetsLargeGetsAndUploadsStaysUnderTheLimit(@TempDir Path scratch) throws Exception {
        Path upload = scratch.resolve("upload.bin");
        Files.write(upload, TestServer.filler(64 * 1024));
        try (Backends backends = Backends.start(3)) {
            int port = JlbProcess.freePort();
            String list = backends.all().stream().map(TestServer::name).collect(Collectors.joining(","));
            try (JlbProcess jlb = JlbProcess.start(
                    recommendedJvmOptions(), recommendedEnvironment(), "-p", String.valueOf(port), "-b", list)) {
                jlb.awaitLog(line -> line.contains("jlb listening"));
                String base = "http://127.0.0.1:" + port;
                h2load(scratch, 30_000, 64, base + "/items");
                h2load(scratch, 300, 8, base + "/download?size=1048576");
                h2load(scratch, 3_000, 64, base + "/upload", "-d", upload.toString());
                h2load(scratch, 30_000, 64, base + "/items");
                assertTrue(jlb.isAlive(), "jlb died: " + jlb.output());
                long peakMib = peakRssKib(jlb.pid()) / 1024;
                System.out.println("peak RSS of jlb with " + recommendedJvmOptions() + " " + recommendedEnvironment()
                        + ": " + peakMib + " MiB");
                assertTrue(peakMib <= LIMIT_MIB, "peak RSS " + peakMib + " MiB, over " + LIMIT_MIB + " MiB");
            }
        }
    }
}
