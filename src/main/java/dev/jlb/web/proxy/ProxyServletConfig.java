package dev.jlb.web.proxy;

import dev.jlb.config.BalancerConfig;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The init-params that Jetty's proxy servlet reads, derived from jlb's configuration; any other
 * init-param of the servlet (such as {@code maxConnections} or {@code selectors}) passes through.
 */
final class ProxyServletConfig implements ServletConfig {
    /** Size of the proxy's own thread pool in a container that offers none (Tomcat). */
    static final String FALLBACK_MAX_THREADS = "256";

    private static final String UPSTREAM_HEADERS_SIZE = "65536";
    private static final String RESPONSE_BUFFER_SIZE = "65536";
    /** The proxy reads a client's body in pieces of this size (Jetty's 4 KiB made 16 passes of a 64 KiB upload). */
    private static final String REQUEST_BUFFER_SIZE = "16384";

    private static final String SERVER_EXECUTOR_ATTRIBUTE = "org.eclipse.jetty.server.Executor";

    private final ServletConfig servletConfig;
    private final Map<String, String> derived;

    ProxyServletConfig(ServletConfig servletConfig, BalancerConfig config) {
        this.servletConfig = servletConfig;
        String backendTimeout = Long.toString(config.backendTimeout().toMillis());
        this.derived = Map.of(
                // No limit on a whole exchange, so that long downloads and streams live; the backend
                // timeout bounds the wait for the response and between two of its chunks instead.
                "timeout", "0",
                "idleTimeout", backendTimeout,
                "viaHost", orDefault("viaHost", config.forwardedBy()),
                // Generous limits towards backends: what the client's side accepted must fit once our headers are
                // added.
                "maxRequestHeadersSize", orDefault("maxRequestHeadersSize", UPSTREAM_HEADERS_SIZE),
                "maxResponseHeadersSize", orDefault("maxResponseHeadersSize", UPSTREAM_HEADERS_SIZE),
                // Large bodies come in fewer, larger chunks: each chunk costs the proxy the same work.
                "responseBufferSize", orDefault("responseBufferSize", RESPONSE_BUFFER_SIZE),
                "requestBufferSize", orDefault("requestBufferSize", REQUEST_BUFFER_SIZE),
                "maxThreads",
                        orDefault(
                                "maxThreads",
                                servletConfig.getServletContext().getAttribute(SERVER_EXECUTOR_ATTRIBUTE) == null
                                        ? FALLBACK_MAX_THREADS
                                        : "-"));
    }

    private String orDefault(String name, String defaultValue) {
        String value = servletConfig.getInitParameter(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public String getServletName() {
        return servletConfig.getServletName();
    }

    @Override
    public ServletContext getServletContext() {
        return servletConfig.getServletContext();
    }

    @Override
    public String getInitParameter(String name) {
        String value = derived.get(name);
        return value != null ? value : servletConfig.getInitParameter(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        Set<String> names = new LinkedHashSet<>(Collections.list(servletConfig.getInitParameterNames()));
        names.addAll(derived.keySet());
        return Collections.enumeration(names);
    }
}
