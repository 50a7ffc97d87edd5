package dev.jlb.launcher;

import dev.jlb.config.BalancerConfig;
import dev.jlb.config.ConfigException;
import dev.jlb.config.ConfigSources;
import dev.jlb.config.Setting;
import dev.jlb.config.ValueParsers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java -jar jlb.jar [OPTIONS]}: the balancer in an embedded Jetty, optionally with three
 * demo backends. Every value is validated before anything starts; a bad one exits with status 2
 * and one line on stderr that names the option.
 */
@Command(name = "jlb", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    versionProvider = Version.class, subcommands = TestServerCommand.class,
    customSynopsis = {"Usage: jlb [OPTIONS]", "       jlb test-server [--port <PORT>] [--host <HOST>]"},
    description = "HTTP load balancer: the jlb WAR in an embedded Jetty, in front of the backends.",
    footer = {"", "Every option can also be set with the system property jlb.<name> or the environment",
        "variable JLB_<NAME> (e.g. JLB_HEALTH_CHECK_INTERVAL); an option given here wins."})
public final class Launcher implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-p", "--port"}, paramLabel = "<PORT>", description = "port to listen on [default: 8080]")
    private String port;

    @Option(names = {"-b", "--backends"}, paramLabel = "<LIST>",
        description = {"comma-separated HOST:PORT[=WEIGHT]",
            "[default: 127.0.0.1:3001,127.0.0.1:3002,127.0.0.1:3003]"})
    private String backends;

    @Option(names = {"-a", "--algorithm"}, paramLabel = "<NAME>",
        description = {"round_robin | least_connections | random |", "weighted_round_robin [default: round_robin]"})
    private String algorithm;

    @Option(names = "--health-check-interval", paramLabel = "<SECONDS>", description = "[default: 30]")
    private String healthCheckInterval;

    @Option(names = "--health-check-path", paramLabel = "<PATH>", description = "[default: /health]")
    private String healthCheckPath;

    @Option(names = "--health-check-timeout", paramLabel = "<SECONDS>", description = "[default: 2]")
    private String healthCheckTimeout;

    @Option(names = "--backend-timeout", paramLabel = "<SECONDS>",
        description = {"longest wait for a backend's response, or", "between two of its chunks [default: 30]"})
    private String backendTimeout;

    @Option(names = "--connect-timeout", paramLabel = "<SECONDS>",
        description = "longest wait for a connection to a backend [default: 2]")
    private String connectTimeout;

    @Option(names = "--access-log", paramLabel = "<FILE>",
        description = "append an NCSA access log to FILE [default: none]")
    private Path accessLog;

    @Option(names = "--demo", description = {"also start three test backends in-process", "on 3001-3003, in front of which the balancer runs"})
    private boolean demo;

    @Option(names = "--war", paramLabel = "<FILE>", description = "run this WAR instead of the embedded one")
    private Path war;

    public static void main(String[] args) {
        int status = run(args);
        if (status != EXIT_OK) {
            System.exit(status);
        }
    }

    /** Runs the command line; returns the exit status, or blocks while the balancer runs. */
    static int run(String... args) {
        CommandLine commandLine = new CommandLine(new Launcher());
        commandLine.setParameterExceptionHandler((failure, arguments) -> {
            PrintWriter err = failure.getCommandLine().getErr();
            err.println(failure.getCommandLine().getCommandName() + ": " + oneLine(failure.getMessage())
                + " (see --help)");
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
        Map<String, String> options = givenOptions(spec.commandLine().getParseResult());
        ConfigSources sources = ConfigSources.ofProcess(options, name -> null);
        int listenPort;
        try {
            BalancerConfig.resolve(sources);
            listenPort = BalancerConfig.parse(sources, Setting.PORT, ValueParsers::port);
            checkAccessLog();
            checkWar();
        } catch (ConfigException e) {
            err.println("jlb: " + e.getMessage());
            return EXIT_USAGE;
        }

        List<TestServer> demoBackends = new ArrayList<>();
        try {
            if (demo) {
                for (int demoPort = 3001; demoPort <= 3003; demoPort++) {
                    demoBackends.add(startDemoBackend(demoPort));
                }
            }
            EmbeddedBalancer balancer = EmbeddedBalancer.start(
                war != null ? war : EmbeddedBalancer.embeddedWar(), listenPort, options, accessLog);
            LOG.info("jlb listening on port {}: {}", balancer.port(), balancer.summary());
            balancer.join();
            return EXIT_OK;
        } catch (EmbeddedBalancer.PortInUseException e) {
            err.println("jlb: " + e.getMessage());
            return EXIT_FAILURE;
        } catch (EmbeddedBalancer.StartupException e) {
            err.println("jlb: cannot start: " + oneLine(e.getMessage()));
            return isConfigurationError(e) ? EXIT_USAGE : EXIT_FAILURE;
        } finally {
            for (TestServer backend : demoBackends) {
                backend.close();
            }
        }
    }

    /** The options given on the command line, keyed by init-param name. */
    private Map<String, String> givenOptions(ParseResult parseResult) {
        Map<String, String> options = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            if (parseResult.hasMatchedOption(setting.option())) {
                options.put(setting.param(), parseResult.matchedOptionValue(setting.option(), ""));
            }
        }
        return options;
    }

    private void checkAccessLog() throws ConfigException {
        if (accessLog == null) {
            return;
        }
        Path directory = accessLog.toAbsolutePath().getParent();
        if (Files.isDirectory(accessLog) || directory == null || !Files.isDirectory(directory)
            || !Files.isWritable(directory)) {
            throw new ConfigException("--access-log", "cannot write '" + accessLog + "' (no such writable directory)");
        }
    }

    private void checkWar() throws ConfigException {
        if (war != null && !Files.isRegularFile(war)) {
            throw new ConfigException("--war", "no such file '" + war + "'");
        }
    }

    private static TestServer startDemoBackend(int port) throws Exception {
        try {
            TestServer backend = new TestServer("127.0.0.1", port).start();
            LOG.info("demo backend {} started", backend.name());
            return backend;
        } catch (Exception e) {
            if (EmbeddedBalancer.causedBy(e, java.net.BindException.class)) {
                throw new EmbeddedBalancer.PortInUseException(port, e);
            }
            throw e;
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
