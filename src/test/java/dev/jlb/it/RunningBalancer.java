package dev.jlb.it;

import static org.awaitility.Awaitility.await;

import dev.jlb.config.ConfigException;
import dev.jlb.config.ConfigSources;
import dev.jlb.config.ServerConfig;
import dev.jlb.launcher.EmbeddedBalancer;
import dev.jlb.testserver.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The real WAR (target/jlb.war) in the embedded launcher, on a free port of 127.0.0.1. */
final class RunningBalancer implements AutoCloseable {
    static final Path WAR = Path.of(System.getProperty("jlb.war", "target/jlb.war"));

    private final EmbeddedBalancer balancer;

    private RunningBalancer(EmbeddedBalancer balancer) {
        this.balancer = balancer;
    }

    /** Options keyed by init-param name; fast health checks unless given. */
    static RunningBalancer start(Map<String, String> options) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("healthCheckInterval", "0.2");
        all.put("healthCheckTimeout", "0.5");
        all.putAll(options);
        return new RunningBalancer(EmbeddedBalancer.start(WAR, serverConfig(all), all, null));
    }

    /** The launcher's server settings from the options, on a free port. */
    static ServerConfig serverConfig(Map<String, String> options) throws ConfigException {
        Map<String, String> withPort = new LinkedHashMap<>(options);
        withPort.put("port", "1");
        ServerConfig config =
                ServerConfig.resolve(new ConfigSources(withPort, name -> null, name -> null, name -> null));
        return new ServerConfig(
                0, config.clientTimeout(), config.maxRequestHeaderSize(), config.shutdownGrace(), config.tls());
    }

    static RunningBalancer inFrontOf(List<TestServer> backends, Map<String, String> options) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(options);
        all.putIfAbsent("backends", backends.stream().map(TestServer::name).collect(Collectors.joining(",")));
        return start(all);
    }

    /** Stops the webapp alone, as a container undeploys it. */
    void undeploy() throws Exception {
        balancer.undeploy();
    }

    int port() {
        return balancer.port();
    }

    /** The HTTPS port, or -1 without TLS. */
    int tlsPort() {
        return balancer.tlsPort();
    }

    URI httpsUri(String pathAndQuery) {
        return URI.create("https://127.0.0.1:" + tlsPort() + pathAndQuery);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    JsonObject stats() {
        return json(Http.get(uri("/lb-stats")));
    }

    JsonObject health() {
        return json(Http.get(uri("/lb-health")));
    }

    /** The /lb-stats entry of one backend. */
    JsonObject backendStats(TestServer backend) {
        return stats().getJsonArray("backends").stream()
                .map(JsonValue::asJsonObject)
                .filter(b -> b.getString("address").equals(backend.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(backend.name() + " not in /lb-stats"));
    }

    /** Sum of {@code connections} over all backends. */
    int connectionsInFlight() {
        return stats().getJsonArray("backends").stream()
                .mapToInt(b -> b.asJsonObject().getInt("connections"))
                .sum();
    }

    static JsonObject json(HttpResponse<String> response) {
        return json(response.body());
    }

    static JsonObject json(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    /** Stops the balancer, after checking that every backend's in-flight count is back to 0. */
    @Override
    public void close() throws Exception {
        try {
            // (Unless the test made /lb-stats forbidden to this client.)
            if (balancer.isDeployed() && Http.get(uri("/lb-stats")).statusCode() == 200) {
                await("connections back to 0").atMost(Duration.ofSeconds(15)).until(() -> connectionsInFlight() == 0);
            }
        } finally {
            balancer.close();
        }
    }
}
