package dev.jlb.it;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A separate process with its output collected line by line: {@code java -jar target/jlb.jar ...}
 * as an operator runs it, or a servlet container.
 */
final class JlbProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("jlb.jar", "target/jlb.jar"));
    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    /** What a process that ran to its end printed, and its exit status. */
    record Outcome(int status, List<String> stdout, List<String> stderr) {}

    private JlbProcess(List<String> command, Path directory, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().keySet().removeIf(name -> name.startsWith("JLB_") || name.equals("PORT"));
        builder.environment().putAll(environment);
        process = builder.start();
        collect(process.getInputStream(), stdout);
        collect(process.getErrorStream(), stderr);
    }

    private JlbProcess(List<String> jvmOptions, Map<String, String> environment, String... args) throws IOException {
        this(jarCommand(jvmOptions, args), null, environment);
    }

    private static List<String> jarCommand(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Runs {@code java} with the given arguments in the directory. */
    static JlbProcess java(Path directory, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(arguments);
        return new JlbProcess(command, directory, Map.of());
    }

    static JlbProcess start(String... args) throws IOException {
        return new JlbProcess(List.of(), Map.of(), args);
    }

    static JlbProcess start(List<String> jvmOptions, Map<String, String> environment, String... args)
            throws IOException {
        return new JlbProcess(jvmOptions, environment, args);
    }

    /** Runs to the end (at most 60 s). */
    static Outcome run(Map<String, String> environment, String... args) throws Exception {
        try (JlbProcess jlb = new JlbProcess(List.of(), environment, args)) {
            if (!jlb.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("jlb did not exit: " + jlb.stderr);
            }
            // The readers finish once the streams close.
            await().atMost(Duration.ofSeconds(5)).until(() -> jlb.readersDone == 2);
            return new Outcome(jlb.process.exitValue(), List.copyOf(jlb.stdout), List.copyOf(jlb.stderr));
        }
    }

    static Outcome run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    private volatile int readersDone;

    private void collect(java.io.InputStream stream, List<String> lines) {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        // the process is gone
                    } finally {
                        synchronized (this) {
                            readersDone++;
                        }
                    }
                },
                "jlb-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until a line on stderr matches, and returns it. */
    String awaitLog(Predicate<String> matching) {
        return awaitLog(matching, Duration.ofSeconds(30));
    }

    /** Waits until a line on stderr matches, at most this long, and returns it. */
    String awaitLog(Predicate<String> matching, Duration within) {
        await().atMost(within).until(() -> stderr.stream().anyMatch(matching) || !process.isAlive());
        return stderr.stream()
                .filter(matching)
                .findFirst()
                .orElseThrow(() -> new AssertionError("the process exited or never logged it: " + stderr));
    }

    /** Everything printed so far, stdout and stderr. */
    List<String> output() {
        List<String> all = new ArrayList<>(stdout);
        all.addAll(stderr);
        return all;
    }

    /** Sends SIGTERM, as a service manager does to stop a service. */
    void signalTerm() {
        // Through the handle: Process.destroy() would also close the pipes we read the log from.
        process.toHandle().destroy();
    }

    /** Sends SIGKILL: the process gets no chance to finish anything, as in a crash or an OOM kill. */
    void kill() {
        process.toHandle().destroyForcibly();
    }

    /** Waits for the process to exit and returns its status. */
    int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("jlb did not exit within " + within + ": " + stderr);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> readersDone == 2);
        return process.exitValue();
    }

    List<String> stdout() {
        return List.copyOf(stdout);
    }

    List<String> stderr() {
        return List.copyOf(stderr);
    }

    /** The command lines of the processes this one started (such as the JVM that start.jar forks). */
    List<String> childCommandLines() {
        return descendants().stream()
                .map(child -> child.info().commandLine().orElse(""))
                .toList();
    }

    List<ProcessHandle> descendants() {
        return process.toHandle().descendants().toList();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
