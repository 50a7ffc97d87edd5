package dev.jlb.launcher;

import dev.jlb.config.ServerConfig;
import dev.jlb.config.TlsSettings;
import dev.jlb.web.BalancerLifecycle;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.RequestLogWriter;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.SecuredRedirectHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The balancer's WAR, deployed unchanged (its {@code web.xml} included) in an embedded Jetty.
 * Launcher options reach the webapp through a context attribute, where they take precedence over
 * every other source of configuration.
 */
public final class EmbeddedBalancer implements AutoCloseable {
    private static final String EMBEDDED_WAR = "/webapp/jlb.war";

    private final Server server;
    private final ServerConnector connector;
    private final ServerConnector secure;
    private final CertificateRotation rotation;
    private final WebAppContext webapp;

    private EmbeddedBalancer(
            Server server,
            ServerConnector connector,
            ServerConnector secure,
            CertificateRotation rotation,
            WebAppContext webapp) {
        this.server = server;
        this.connector = connector;
        this.secure = secure;
        this.rotation = rotation;
        this.webapp = webapp;
    }

    /** The HTTPS port, or -1 without TLS. */
    public int tlsPort() {
        return secure == null ? -1 : secure.getLocalPort();
    }

    /**
     * Starts Jetty with the WAR on the configured port (0 for any free port).
     *
     * @param war       the WAR to deploy
     * @param config    the server's port, timeouts and limits
     * @param options   launcher options given, keyed by init-param name
     * @param accessLog file for an NCSA access log, or {@code null} for none
     * @throws PortInUseException  when the port is taken
     * @throws StartupException    when the webapp does not start (its log says why)
     */
    public static EmbeddedBalancer start(Path war, ServerConfig config, Map<String, String> options, Path accessLog)
            throws Exception {
        // Everything waits asynchronously, so threads block only briefly: a pool sized for the cores
        // the JVM sees, rather than Jetty's 200, costs less memory and fewer context switches. On
        // one core 16 serve 64 connections as fast as 32 did, with fewer stacks and less switching.
        int cores = Runtime.getRuntime().availableProcessors();
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(16, 8 * cores), Math.min(8, 2 * cores));
        threads.setName("jlb");
        Server server = new Server(threads);
        server.setErrorHandler(new JsonErrorHandler());

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(config.maxRequestHeaderSize());
        // RFC 9110 without its one leniency: a bare LF ends no header line here, so that no
        // backend behind a laxer parser can be made to read a different request than this one.
        http.setHttpCompliance(
                HttpCompliance.RFC9110.without("RFC9110_STRICT_EOL", HttpCompliance.Violation.LF_HEADER_TERMINATION));
        ServerConnector connector = Connectors.plain(server, http, config);
        server.addConnector(connector);
        ServerConnector secure = null;
        CertificateRotation rotation = null;
        TlsSettings tls = config.tls();
        if (tls != null) {
            TlsCredentials credentials = TlsCredentials.load(tls);
            SslContextFactory.Server ssl = Connectors.sslContext(credentials);
            secure = Connectors.secure(server, http, config, ssl);
            server.addConnector(secure);
            http.setSecureScheme("https");
            http.setSecurePort(tls.port());
            rotation = CertificateRotation.watch(tls, ssl, TlsCredentials.fingerprint(tls));
        }

        // No session or security handler: jlb's web.xml uses neither, and both would cost every request.
        WebAppContext webapp = new WebAppContext("/", null, null, null, new ErrorPageErrorHandler(), 0);
        webapp.setWar(war.toAbsolutePath().toString());
        webapp.setAttribute(BalancerLifecycle.LAUNCHER_OPTIONS_ATTRIBUTE, Map.copyOf(options));
        webapp.setThrowUnavailableOnStartupException(true);
        // Jetty's webdefault adds a default servlet, JSP and a security constraint against TRACE
        // that is evaluated on every request; jlb's web.xml maps every path itself and the proxy
        // refuses TRACE on its own.
        webapp.setDefaultsDescriptor(null);
        // WebSockets: the webapp joins them through Jetty's WebSocket API (see WebSocketProxy).
        JettyWebSocketServletContainerInitializer.configure(webapp, null);
        // The webapp logs through the launcher's SLF4J, configured by its jetty-logging.properties.
        webapp.getProtectedClassMatcher().add("org.slf4j.");
        // The plain port sends every request to HTTPS, with 308 so that the method and body stay.
        server.setHandler(
                tls != null && tls.redirectHttps()
                        ? new SecuredRedirectHandler(webapp, HttpStatus.PERMANENT_REDIRECT_308)
                        : webapp);
        // A stop first shuts the connector: no new connection is accepted, requests in flight (and
        // any that arrive on connections already open) are served with "Connection: close", idle
        // connections are closed; the webapp stops once all are closed or the grace period is over.
        // WebSockets still open when the grace is over get 1001, and a moment for the close frames.
        server.setStopTimeout(
                config.shutdownGrace().plus(ServerConfig.WEBSOCKET_CLOSING_TIME).toMillis());

        if (accessLog != null) {
            RequestLogWriter writer = new RequestLogWriter(accessLog.toString());
            writer.setAppend(true);
            server.setRequestLog(new CustomRequestLog(writer, CustomRequestLog.EXTENDED_NCSA_FORMAT));
        }
        server.setStopAtShutdown(true);

        try {
            server.start();
        } catch (Exception e) {
            boolean plainOpen = connector.isOpen();
            stopQuietly(server);
            if (rotation != null) {
                rotation.close();
            }
            if (causedBy(e, BindException.class)) {
                throw new PortInUseException(secure != null && plainOpen ? tls.port() : config.port(), e);
            }
            throw new StartupException(rootMessage(e), e);
        }
        return new EmbeddedBalancer(server, connector, secure, rotation, webapp);
    }

    /** Copies the WAR that is packed inside the launcher jar to a temporary file. */
    public static Path embeddedWar() throws IOException {
        try (InputStream in = EmbeddedBalancer.class.getResourceAsStream(EMBEDDED_WAR)) {
            if (in == null) {
                throw new IOException(
                        "this launcher has no embedded WAR (" + EMBEDDED_WAR + "); build it with mvn package");
            }
            Path war = Files.createTempFile("jlb-", ".war");
            war.toFile().deleteOnExit();
            Files.copy(in, war, StandardCopyOption.REPLACE_EXISTING);
            return war;
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The webapp's summary of the configuration in effect: algorithm and backends. */
    /**
     * Reads the {@code configFile} again and applies it (SIGHUP).
     *
     * @return whether a configuration file is in use
     */
    public boolean reloadConfig() {
        // A Runnable, not the watcher: the webapp's classes are its own class loader's, not ours.
        if (webapp.getServletContext().getAttribute(BalancerLifecycle.CONFIG_RELOAD_ATTRIBUTE)
                instanceof Runnable reload) {
            reload.run();
            return true;
        }
        return false;
    }

    public String summary() {
        return String.valueOf(webapp.getServletContext().getAttribute(BalancerLifecycle.SUMMARY_ATTRIBUTE));
    }

    public boolean isDeployed() {
        return webapp.isStarted();
    }

    /** Stops the webapp alone, as a container undeploys it, leaving the server running. */
    public void undeploy() throws Exception {
        webapp.stop();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        if (rotation != null) {
            rotation.close();
        }
        server.stop();
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // already failing; the start failure is what matters
        }
    }

    static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (causedBy(suppressed, type)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    /** The port to listen on is taken. */
    public static final class PortInUseException extends Exception {
        public PortInUseException(int port, Throwable cause) {
            super("port " + port + " is already in use", cause);
        }
    }

    /** The server or the webapp failed to start. */
    public static final class StartupException extends Exception {
        public StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
