package dev.jlb.health;

import dev.jlb.config.HealthCheckPolicy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health check over HTTP: an asynchronous {@code GET} of the check path on a new connection
 * each time, as HAProxy does (an old one could hide a dead listener). Checks use their own HTTP
 * client, apart from the proxy's: a proxy connection pool saturated by traffic must not make
 * healthy backends fail their checks.
 */
public final class HttpHealthChecker implements HealthChecker {
    private static final Logger LOG = LoggerFactory.getLogger(HttpHealthChecker.class);

    private volatile HealthCheckPolicy policy;
    private final HttpClient client;

    /**
     * @param tls the TLS of https backends: the same trust as the proxy's
     */
    public HttpHealthChecker(HealthCheckPolicy policy, SslContextFactory.Client tls) {
        this.policy = policy;
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        this.client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName("jlb-health");
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setConnectTimeout(policy.timeout().toMillis());
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "jlb-health-check"));
        client.setMaxConnectionsPerDestination(2);
    }

    @Override
    public void reconfigure(HealthCheckPolicy next) {
        policy = next;
        client.setConnectTimeout(next.timeout().toMillis());
    }

    @Override
    public void start() throws Exception {
        client.start();
    }

    @Override
    public void check(Monitored backend, Consumer<Outcome> done) {
        try {
            client.newRequest(backend.origin())
                    .method(HttpMethod.GET)
                    .path(policy.path())
                    .timeout(policy.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .headers(headers -> headers.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()))
                    .send(result -> done.accept(outcome(result)));
        } catch (RuntimeException failure) {
            done.accept(Outcome.failed("failed: " + Failures.describe(failure)));
        }
    }

    private Outcome outcome(Result result) {
        if (result.isSucceeded()) {
            int status = result.getResponse().getStatus();
            return policy.passStatuses().contains(status) ? Outcome.PASSED : Outcome.failed("answered " + status);
        }
        Throwable failure = result.getFailure();
        return Outcome.failed(
                failure instanceof TimeoutException
                        ? "no answer within " + policy.timeout().toMillis() + " ms"
                        : "failed: " + Failures.describe(failure));
    }

    @Override
    public void stop() {
        try {
            client.stop();
        } catch (Exception e) {
            LOG.debug("stopping the health check client failed", e);
        }
    }
}
