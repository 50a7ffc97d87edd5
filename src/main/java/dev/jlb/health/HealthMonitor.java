package dev.jlb.health;

import dev.jlb.backend.Backend;
import dev.jlb.backend.BackendPool;
import dev.jlb.config.HealthCheckPolicy;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Active health checks: an asynchronous {@code GET} to every backend at start and then every
 * interval. A check never blocks a thread while it waits, so a hung backend delays nobody but
 * itself, and a backend whose previous check is still pending is skipped rather than checked twice.
 * Only changes of health are reported: they are logged once and rebuild the pool's snapshot.
 *
 * <p>Checks use their own HTTP client, apart from the proxy's: a proxy connection pool that is
 * saturated by traffic must not make healthy backends fail their checks.
 */
public final class HealthMonitor implements BackendPool.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final BackendPool pool;
    private final HealthCheckPolicy policy;
    private final OutlierDetector outliers;
    private final LongSupplier nanoClock;
    private final HttpClient client;
    private final ScheduledExecutorService scheduler;

    public HealthMonitor(BackendPool pool, HealthCheckPolicy policy, OutlierDetector outliers, LongSupplier nanoClock) {
        this.pool = pool;
        this.policy = policy;
        this.outliers = outliers;
        this.nanoClock = nanoClock;
        this.client = newClient(policy);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "jlb-health-scheduler");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static HttpClient newClient(HealthCheckPolicy policy) {
        HttpClient client = new HttpClient();
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName("jlb-health");
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setConnectTimeout(policy.timeout().toMillis());
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "jlb-health-check"));
        client.setMaxConnectionsPerDestination(2);
        return client;
    }

    /** Starts checking: the first round at once, then one every interval. */
    public void start() throws Exception {
        client.start();
        pool.addListener(this);
        long interval = policy.interval().toMillis();
        scheduler.scheduleAtFixedRate(this::checkAll, 0, interval, TimeUnit.MILLISECONDS);
    }

    /** Stops checking; checks in flight are abandoned. */
    public void stop() {
        scheduler.shutdownNow();
        try {
            client.stop();
        } catch (Exception e) {
            LOG.debug("stopping the health check client failed", e);
        }
    }

    /** A backend that joins the pool is checked at once: it takes traffic once a check has passed. */
    @Override
    public void added(Backend backend) {
        if (client.isStarted() && backend.beginCheck()) {
            scheduler.execute(() -> check(backend));
        }
    }

    @Override
    public void removed(Backend backend) {
    }

    /** One round: a check of every backend whose previous check has finished. */
    void checkAll() {
        for (Backend backend : pool.backends()) {
            if (backend.beginCheck()) {
                check(backend);
            }
        }
    }

    private void check(Backend backend) {
        long start = nanoClock.getAsLong();
        try {
            client.newRequest(backend.address().host(), backend.address().port())
                .method(HttpMethod.GET)
                .path(policy.path())
                .timeout(policy.timeout().toMillis(), TimeUnit.MILLISECONDS)
                // A new connection each time, as HAProxy does: an old one could hide a dead listener.
                .headers(headers -> headers.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()))
                .send(result -> completed(backend, start, result));
        } catch (Throwable failure) {
            completed(backend, start, failure);
        }
    }

    private void completed(Backend backend, long start, Result result) {
        if (result.isSucceeded()) {
            int status = result.getResponse().getStatus();
            boolean passed = policy.passStatuses().contains(status);
            record(backend, start, passed, passed ? null : "answered " + status);
        } else {
            completed(backend, start, result.getFailure());
        }
    }

    private void completed(Backend backend, long start, Throwable failure) {
        String reason = failure instanceof TimeoutException
            ? "no answer within " + policy.timeout().toMillis() + " ms"
            : "failed: " + Failures.describe(failure);
        record(backend, start, false, reason);
    }

    private void record(Backend backend, long start, boolean passed, String reason) {
        long now = nanoClock.getAsLong();
        backend.meters().healthChecked(passed);
        if (backend.endCheck(passed, now, now - start, policy.rise(), policy.fall())) {
            pool.rebuild();
            if (backend.isHealthy()) {
                LOG.info("backend {} is UP (healthy): GET {} passed", backend, policy.path());
            } else {
                LOG.warn("backend {} is DOWN (unhealthy): GET {} {}", backend, policy.path(), reason);
            }
        }
        outliers.checkCompleted(backend, passed);
    }

}
