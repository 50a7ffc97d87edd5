package dev.jlb.launcher;

import dev.jlb.config.ValueParsers;
import dev.jlb.testserver.TestServer;
import java.net.BindException;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code java -jar jlb.jar test-server --port 3001}: one test backend, see {@link TestServer}. */
@Command(
        name = "test-server",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "A test backend: GET /health answers 200, any other request a JSON document",
            "that names this server and echoes the request."
        })
final class TestServerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TestServerCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-p", "--port"},
            paramLabel = "<PORT>",
            description = "port to listen on [default: the PORT environment variable, else 3001]")
    private String port;

    @Option(names = "--host", paramLabel = "<HOST>", description = "address to listen on [default: 127.0.0.1]")
    private String host = "127.0.0.1";

    @Override
    public Integer call() throws Exception {
        String source = "--port";
        String value = port;
        if (value == null) {
            source = "environment variable PORT";
            value = System.getenv("PORT");
        }
        int listenPort;
        try {
            listenPort = value == null ? 3001 : ValueParsers.port(value.strip());
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("jlb test-server: " + source + ": " + e.getMessage());
            return Launcher.EXIT_USAGE;
        }
        try (TestServer server = new TestServer(host, listenPort)) {
            try {
                server.start();
            } catch (Exception e) {
                if (EmbeddedBalancer.causedBy(e, BindException.class)) {
                    spec.commandLine().getErr().println("jlb test-server: port " + listenPort + " is already in use");
                    return Launcher.EXIT_FAILURE;
                }
                throw e;
            }
            LOG.info("test server {} listening", server.name());
            server.join();
        }
        return Launcher.EXIT_OK;
    }
}
