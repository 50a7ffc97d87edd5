package dev.jlb.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape of /lb-metrics: checked by Prometheus' own promtool, then read sample by sample. */
final class Metrics {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");

    private final Map<String, Double> samples;

    private Metrics(Map<String, Double> samples) {
        this.samples = samples;
    }

    /** promtool, as bin/test provides it (from Debian's prometheus package), or on the PATH. */
    static Path promtool() {
        Path local = Path.of(".tools/usr/bin/promtool");
        if (Files.isExecutable(local)) {
            return local;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator, -1)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("promtool is missing: run bin/test, which fetches it into .tools/");
    }

    /** Checks the exposition strictly with promtool (format and Prometheus' naming rules), then parses it. */
    static Metrics parse(String exposition) throws IOException, InterruptedException {
        Process check = new ProcessBuilder(promtool().toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        check.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String verdict = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), "promtool check metrics: " + verdict);
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : exposition.split("\n", -1)) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = SAMPLE.matcher(line);
            assertTrue(matcher.matches(), "not a sample line: " + line);
            samples.put(matcher.group(1), Double.parseDouble(matcher.group(3)));
        }
        return new Metrics(samples);
    }

    /** The value of one series, e.g. {@code jlb_backend_up{backend="127.0.0.1:3001"}}; fails if absent. */
    double value(String series) {
        Double value = samples.get(series);
        if (value == null) {
            throw new AssertionError(series + " not in the scrape: " + samples.keySet());
        }
        return value;
    }

    boolean has(String series) {
        return samples.containsKey(series);
    }

    boolean anyContains(String part) {
        return samples.keySet().stream().anyMatch(name -> name.contains(part));
    }

    boolean anyStartsWith(String prefix) {
        return samples.keySet().stream().anyMatch(name -> name.startsWith(prefix));
    }
}
