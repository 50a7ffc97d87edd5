package dev.jlb.balancer;

import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS towards {@code https://} backends, for the proxy and the health checks alike: the
 * backend's certificate must verify against {@code backendTrust} (or the JVM's CAs) and name the
 * host it was reached by (endpoint identification, as a browser does), and the host goes in SNI.
 * A backend whose certificate does not verify is never talked to.
 */
public final class BackendTls {
    private BackendTls() {}

    /**
     * A new client TLS context.
     *
     * @param trust the CAs to trust, or {@code null} for the JVM's
     */
    public static SslContextFactory.Client context(KeyStore trust) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        if (trust != null) {
            tls.setTrustStore(trust);
        }
        tls.setSNIProvider(BackendTls::sni);
        return tls;
    }

    /**
     * The JDK sends no SNI for a name without a dot ({@code localhost}, a Kubernetes service name
     * in the search domains); nginx's {@code proxy_ssl_server_name} does, and so does jlb. An IP
     * address is never sent (RFC 6066).
     */
    static List<SNIServerName> sni(SSLEngine engine, List<SNIServerName> computed) {
        String host = engine.getPeerHost();
        if (!computed.isEmpty()
                || host == null
                || host.isEmpty()
                || host.indexOf(':') >= 0
                || host.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            return computed;
        }
        return List.of(new SNIHostName(host));
    }
}
