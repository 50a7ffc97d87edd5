package dev.jlb.launcher;

import dev.jlb.config.BalancerConfig;
import dev.jlb.config.ConfigException;
import dev.jlb.config.ConfigSources;
import dev.jlb.config.ServerConfig;
import dev.jlb.config.Setting;
import dev.jlb.state.StateFile;
import dev.jlb.state.StateFileException;
import dev.jlb.testserver.TestServer;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar jlb.jar [OPTIONS]}: the balancer in an embedded Jetty, optionally with three
 * demo backends. Every value is validated before anything starts; a bad one exits with status 2
 * and one line on stderr that names the option.
 */
@Command(
        name = "jlb",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 100,
        versionProvider = Version.class,
        subcommands = TestServerCommand.class,
        customSynopsis = {"Usage: jlb [OPTIONS]", "       jlb test-server [--port <PORT>] [--host <HOST>]"},
        description = "HTTP load balancer: the jlb WAR in an embedded Jetty, in front of the backends.",
        footer = {
            "",
            "Every option can also be set with the system property jlb.<name> or the environment",
            "variable JLB_<NAME> (e.g. JLB_HEALTH_CHECK_INTERVAL); an option given here wins."
        })
public final class Launcher implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        int status = run(args);
        if (status != EXIT_OK) {
            System.exit(status);
        }
    }

    /** Runs the command line; returns the exit status, or blocks while the balancer runs. */
    static int run(String... args) {
        CommandLine commandLine = new CommandLine(new Launcher());
        LauncherOptions.addTo(commandLine.getCommandSpec());
        commandLine.setParameterExceptionHandler((failure, arguments) -> {
            PrintWriter err = failure.getCommandLine().getErr();
            err.println(
                    failure.getCommandLine().getCommandName() + ": " + oneLine(failure.getMessage()) + " (see --help)");
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((failure, failed, parseResult) -> {
            failed.getErr().println(failed.getCommandName() + ": " + oneLine(String.valueOf(failure.getMessage())));
            return EXIT_FAILURE;
        });
        return commandLine.execute(args);
    }

    static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ParseResult parsed = spec.commandLine().getParseResult();
        Map<String, String> options = LauncherOptions.givenSettings(parsed);
        ServerConfig server;
        Path accessLog = path(parsed, LauncherOptions.ACCESS_LOG);
        Path war = path(parsed, LauncherOptions.WAR);
        try {
            ConfigSources sources =
                    ConfigSources.ofProcess(options, name -> null).withConfigFile();
            checkStateFile(sources, BalancerConfig.resolve(sources).stateFile());
            server = ServerConfig.resolve(sources);
            if (server.tls() != null) {
                // Bad or mismatched certificate files stop the start here, naming the option.
                TlsCredentials.load(server.tls());
            }
            checkAccessLog(accessLog);
            checkWar(war);
        } catch (ConfigException e) {
            err.println("jlb: " + e.getMessage());
            return EXIT_USAGE;
        }

        List<TestServer> demoBackends = new ArrayList<>();
        try {
            if (parsed.matchedOptionValue(LauncherOptions.DEMO, false)) {
                for (int demoPort = 3001; demoPort <= 3003; demoPort++) {
                    demoBackends.add(startDemoBackend(demoPort));
                }
            }
            EmbeddedBalancer balancer = EmbeddedBalancer.start(
                    war != null ? war : EmbeddedBalancer.embeddedWar(), server, options, accessLog);
            ShutdownSignals.stopGracefullyOn(balancer, demoBackends);
            ShutdownSignals.reloadOn(balancer);
            if (balancer.tlsPort() > 0) {
                LOG.info(
                        "jlb listening on port {} and, with TLS, on {}: {}",
                        balancer.port(),
                        balancer.tlsPort(),
                        balancer.summary());
            } else {
                LOG.info("jlb listening on port {}: {}", balancer.port(), balancer.summary());
            }
            balancer.join();
            return EXIT_OK;
        } catch (EmbeddedBalancer.PortInUseException e) {
            err.println("jlb: " + e.getMessage());
            closeAll(demoBackends);
            return EXIT_FAILURE;
        } catch (EmbeddedBalancer.StartupException e) {
            err.println("jlb: cannot start: " + oneLine(e.getMessage()));
            closeAll(demoBackends);
            return isConfigurationError(e) ? EXIT_USAGE : EXIT_FAILURE;
        }
    }

    private static Path path(ParseResult parsed, String option) {
        String value = parsed.matchedOptionValue(option, null);
        return value == null ? null : Path.of(value);
    }

    private static void checkAccessLog(Path accessLog) throws ConfigException {
        if (accessLog == null) {
            return;
        }
        Path directory = accessLog.toAbsolutePath().getParent();
        if (Files.isDirectory(accessLog)
                || directory == null
                || !Files.isDirectory(directory)
                || !Files.isWritable(directory)) {
            throw new ConfigException(
                    LauncherOptions.ACCESS_LOG, "cannot write '" + accessLog + "' (no such writable directory)");
        }
    }

    /** A state file that cannot be used stops the start here, naming where it was given. */
    private static void checkStateFile(ConfigSources sources, Path stateFile) throws ConfigException {
        if (stateFile == null) {
            return;
        }
        try {
            StateFile.read(stateFile);
        } catch (StateFileException e) {
            throw new ConfigException(sources.lookup(Setting.STATE_FILE).source(), oneLine(e.getMessage()));
        }
    }

    private static void checkWar(Path war) throws ConfigException {
        if (war != null && !Files.isRegularFile(war)) {
            throw new ConfigException(LauncherOptions.WAR, "no such file '" + war + "'");
        }
    }

    private static TestServer startDemoBackend(int port) throws Exception {
        try {
            TestServer backend = new TestServer("127.0.0.1", port).start();
            LOG.info("demo backend {} started", backend.name());
            return backend;
        } catch (Exception e) {
            if (EmbeddedBalancer.causedBy(e, BindException.class)) {
                throw new EmbeddedBalancer.PortInUseException(port, e);
            }
            throw e;
        }
    }

    static void closeAll(List<TestServer> servers) {
        for (TestServer server : servers) {
            try {
                server.close();
            } catch (Exception e) {
                LOG.debug("stopping {} failed", server.name(), e);
            }
        }
    }

    /** The webapp's configuration errors are of a class of its own loader, so they are known by name. */
    private static boolean isConfigurationError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getClass().getName().equals(ConfigException.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
