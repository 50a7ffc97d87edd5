package dev.jlb.launcher;

import dev.jlb.config.ServerConfig;
import dev.jlb.config.TlsSettings;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The launcher's connectors: HTTP/1.1 and cleartext HTTP/2 ({@code h2c}, by prior knowledge or
 * {@code Upgrade: h2c}) on the plain port; with a certificate, TLS on the HTTPS port with ALPN
 * offering {@code h2} then {@code http/1.1}.
 */
final class Connectors {
    /**
     * Mozilla's "intermediate" profile (TLS 1.2 and 1.3, forward secrecy and AEAD only), in its
     * order; TLS 1.3's own suites first.
     */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private Connectors() {}

    /** HTTP/1.1 and h2c on the plain port. */
    static ServerConnector plain(Server server, HttpConfiguration http, ServerConfig config) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http), cleartextHttp2(http));
        connector.setPort(config.port());
        connector.setIdleTimeout(config.clientTimeout().toMillis());
        return connector;
    }

    /** The TLS context: TLS 1.2 and 1.3 only, the intermediate ciphers, the credentials' key. */
    static SslContextFactory.Server sslContext(TlsCredentials credentials) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(credentials.keyStore());
        ssl.setKeyStorePassword("");
        ssl.setKeyManagerPassword("");
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setIncludeCipherSuites(CIPHER_SUITES.toArray(new String[0]));
        // The server's preference, as Mozilla's profile leaves it: the client's order is fine.
        ssl.setUseCipherSuitesOrder(false);
        return ssl;
    }

    private static HTTP2CServerConnectionFactory cleartextHttp2(HttpConfiguration http) {
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(http);
        h2c.setConnectProtocolEnabled(false);
        return h2c;
    }

    /** h2 and HTTP/1.1 over TLS on the HTTPS port, chosen by ALPN. */
    static ServerConnector secure(
            Server server, HttpConfiguration http, ServerConfig config, SslContextFactory.Server ssl) {
        TlsSettings tls = config.tls();
        HttpConfiguration https = new HttpConfiguration(http);
        // A balancer answers for many names with one certificate, as nginx does: a Host that is not
        // in the certificate is the backend's business, not a reason to refuse.
        https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        HttpConnectionFactory http1 = new HttpConnectionFactory(https);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
        // No WebSocket over HTTP/2 (RFC 8441): jlb joins WebSockets on HTTP/1.1 connections only,
        // and a browser that is not offered it opens one of those for its WebSockets.
        h2.setConnectProtocolEnabled(false);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, alpn.getProtocol());
        ServerConnector connector = new ServerConnector(server, tlsFactory, alpn, h2, http1);
        connector.setPort(tls.port());
        connector.setIdleTimeout(config.clientTimeout().toMillis());
        return connector;
    }
}
