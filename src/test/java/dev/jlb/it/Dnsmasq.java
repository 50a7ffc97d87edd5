package dev.jlb.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for the tests: Debian's dnsmasq (from dnsmasq-base, which bin/test installs)
 * in the foreground on 127.0.0.1 and a free port, authoritative for {@code .test} (a name it
 * does not know is NXDOMAIN, not a question forwarded elsewhere), with a TTL of 1 s unless told. Its A
 * records come from a hosts file that {@link #hosts} rewrites and makes it re-read (SIGHUP);
 * its SRV records are fixed at start.
 */
final class Dnsmasq implements AutoCloseable {
    private final Path directory;
    private final Path hostsFile;
    private final Path confFile;
    private final int port;
    private final int ttlSeconds;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private Process process;

    private Dnsmasq(Path directory, int port, int ttlSeconds) {
        this.directory = directory;
        this.ttlSeconds = ttlSeconds;
        this.hostsFile = directory.resolve("hosts");
        this.confFile = directory.resolve("dnsmasq.conf");
        this.port = port;
    }

    /**
     * @param hosts      name to addresses, the A records
     * @param srvRecords dnsmasq's {@code srv-host} values: {@code NAME,TARGET,PORT,PRIORITY,WEIGHT}
     */
    static Dnsmasq start(Path scratch, Map<String, List<String>> hosts, List<String> srvRecords) throws IOException {
        return start(scratch, hosts, srvRecords, 1);
    }

    /** With this TTL on its answers. */
    static Dnsmasq start(Path scratch, Map<String, List<String>> hosts, List<String> srvRecords, int ttlSeconds)
            throws IOException {
        Path directory = Files.createTempDirectory(scratch, "dnsmasq");
        // dnsmasq may run as another user than the test: it must be able to read its files.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Dnsmasq dnsmasq = new Dnsmasq(directory, JlbProcess.freePort(), ttlSeconds);
        StringBuilder conf = new StringBuilder();
        for (String record : srvRecords) {
            conf.append("srv-host=").append(record).append('\n');
        }
        Files.writeString(dnsmasq.confFile, conf.toString());
        dnsmasq.writeHosts(hosts);
        dnsmasq.run();
        return dnsmasq;
    }

    static String binary() {
        Path sbin = Path.of("/usr/sbin/dnsmasq");
        return Files.isExecutable(sbin) ? sbin.toString() : Tools.require("dnsmasq", "dnsmasq-base");
    }

    /** {@code 127.0.0.1:PORT}, for {@code dnsServer}. */
    String server() {
        return "127.0.0.1:" + port;
    }

    /** Starts it (again, after {@link #stop}) on the same port, and waits until it has read its hosts file. */
    void run() throws IOException {
        int readsBefore = hostsReads();
        List<String> command = List.of(
                binary(),
                "--keep-in-foreground",
                "--no-resolv",
                "--no-hosts",
                "--addn-hosts=" + hostsFile,
                "--conf-file=" + confFile,
                "--local=/test/",
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--port=" + port,
                "--local-ttl=" + ttlSeconds,
                "--pid-file=" + directory.resolve("dnsmasq.pid"),
                "--user=" + System.getProperty("user.name"),
                "--log-queries",
                "--log-facility=-");
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Process started = process;
        Thread reader = new Thread(
                () -> {
                    try (var lines = started.inputReader(StandardCharsets.UTF_8)) {
                        lines.lines().forEach(log::add);
                    } catch (IOException | java.io.UncheckedIOException e) {
                        // it has stopped
                    }
                },
                "dnsmasq-log");
        reader.setDaemon(true);
        reader.start();
        awaitHostsRead(readsBefore);
    }

    /**
     * Makes these the A records at once: the file is replaced whole, then dnsmasq re-reads it
     * (or reads it when {@link #run} starts it again, if it is stopped).
     */
    void hosts(Map<String, List<String>> hosts) throws IOException, InterruptedException {
        int readsBefore = hostsReads();
        writeHosts(hosts);
        if (!process.isAlive()) {
            return;
        }
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        if (!hup.waitFor(10, TimeUnit.SECONDS) || hup.exitValue() != 0) {
            throw new IllegalStateException("kill -HUP dnsmasq failed");
        }
        awaitHostsRead(readsBefore);
    }

    private void writeHosts(Map<String, List<String>> hosts) throws IOException {
        List<String> lines = new ArrayList<>();
        hosts.forEach((name, addresses) -> addresses.forEach(address -> lines.add(address + " " + name)));
        Path temporary = directory.resolve("hosts.new");
        Files.write(temporary, lines);
        Files.move(temporary, hostsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private int hostsReads() {
        return (int)
                log.stream().filter(line -> line.contains("read " + hostsFile)).count();
    }

    private void awaitHostsRead(int readsBefore) {
        await("dnsmasq has read " + hostsFile + "; its log: " + log)
                .atMost(Duration.ofSeconds(20))
                .until(() -> hostsReads() > readsBefore || (process != null && !process.isAlive()));
        if (!process.isAlive()) {
            throw new IllegalStateException("dnsmasq stopped: " + log);
        }
    }

    /** Stops the server: lookups get no answer until {@link #run} starts it again. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    List<String> log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
