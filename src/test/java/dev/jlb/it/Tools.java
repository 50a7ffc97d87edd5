package dev.jlb.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Command-line clients the tests drive as an operator would (curl, h2load). A missing one fails
 * the test: bin/test installs them, and a test that skipped would prove nothing.
 */
final class Tools {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    /** What a command printed, and its exit status. */
    record Result(int status, String stdout, String stderr) {
        /** Fails unless the command exited with 0. */
        Result succeeded() {
            if (status != 0) {
                fail("exit status " + status + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
            }
            return this;
        }
    }

    private Tools() {}

    /** The path of a program on the PATH; fails the test when there is none. */
    static String require(String program, String debianPackage) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail(program + " is not installed: bin/test installs it (apt-get install " + debianPackage + ")");
    }

    static String curl() {
        return require("curl", "curl");
    }

    static String h2load() {
        return require("h2load", "nghttp2-client");
    }

    /** Runs a command to its end, at most three minutes, its output kept in a scratch directory. */
    static Result run(Path scratch, List<String> command) throws Exception {
        return run(scratch, Map.of(), command);
    }

    /** Runs a command with these environment variables added. */
    static Result run(Path scratch, Map<String, String> environment, List<String> command) throws Exception {
        Path out = Files.createTempFile(scratch, "stdout", ".txt");
        Path err = Files.createTempFile(scratch, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
        builder.environment().putAll(environment);
        Process process = builder.redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            fail(command + " did not end within " + LIMIT + ":\n" + Files.readString(out) + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
