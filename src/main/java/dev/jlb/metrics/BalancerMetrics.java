package dev.jlb.metrics;

import dev.jlb.balancer.Backend;
import dev.jlb.balancer.BackendMeters;
import dev.jlb.balancer.BackendPool;
import dev.jlb.balancer.ConfigReloads;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * jlb's Prometheus metrics. Per-backend series are bound once, when a backend joins the pool,
 * to a {@link BackendMeters} kept on the backend, so that recording a request costs an atomic
 * update and no label lookup; they are removed when it leaves. Gauges and running totals are
 * read from the backends only when Prometheus scrapes.
 */
public final class BalancerMetrics implements BackendPool.Listener {
    /** The servlet context attribute under which the webapp's metrics are kept. */
    public static final String ATTRIBUTE = BalancerMetrics.class.getName();

    static final String[] CODE_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    static final String ERROR = "error";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram duration;
    private final Counter healthChecks;
    private final Counter dnsLookups;
    private final BackendPool pool;

    public BalancerMetrics(BackendPool pool, LongSupplier proxiedRequests, ConfigReloads configReloads) {
        this.pool = pool;
        requests = Counter.builder()
                .name("jlb_backend_requests_total")
                .help("Requests sent to the backend, by the class of its answer (error: none)")
                .labelNames("backend", "code_class")
                .withoutExemplars()
                .register(registry);
        duration = Histogram.builder()
                .name("jlb_request_duration_seconds")
                .help("Time from sending a request to the backend until the exchange ended")
                .labelNames("backend")
                .classicOnly()
                .withoutExemplars()
                .register(registry);
        healthChecks = Counter.builder()
                .name("jlb_health_checks_total")
                .help("Active health checks of the backend, by result")
                .labelNames("backend", "result")
                .withoutExemplars()
                .register(registry);
        dnsLookups = Counter.builder()
                .name("jlb_dns_lookups_total")
                .help("DNS lookups of the dns: and srv: backend entries, by name and result (error: failed, "
                        + "timed out or answered nothing)")
                .labelNames("name", "result")
                .withoutExemplars()
                .register(registry);
        backendGauge(pool, "jlb_backend_in_flight", "Requests in flight to the backend", Backend::inFlight);
        backendGauge(
                pool,
                "jlb_backend_up",
                "1 while the backend passes its health checks and is not ejected, else 0",
                backend -> backend.isHealthy() && !backend.isEjected() ? 1 : 0);
        backendGauge(pool, "jlb_backend_weight", "The backend's weight", Backend::weight);
        backendGauge(pool, "jlb_backend_websockets", "WebSockets joined to the backend now", Backend::websockets);
        backendCounter(
                pool,
                "jlb_backend_retries_total",
                "Requests that failed at the backend and were retried on another",
                Backend::retries);
        backendCounter(
                pool,
                "jlb_backend_ejections_total",
                "Times the backend was ejected by passive health checks",
                backend -> backend.outlier().ejections());
        backendCounter(
                pool,
                "jlb_backend_failures_total",
                "Requests that ended without a complete answer from the backend",
                Backend::failures);
        CounterWithCallback.builder()
                .name("jlb_requests_total")
                .help("Client requests proxied")
                .callback(callback -> callback.call((double) proxiedRequests.getAsLong()))
                .register(registry);
        CounterWithCallback.builder()
                .name("jlb_config_reloads_total")
                .help("Reloads of the configFile, by result: applied (ok) or refused (error)")
                .labelNames("result")
                .callback(callback -> {
                    callback.call((double) configReloads.appliedCount(), "ok");
                    callback.call((double) configReloads.refusedCount(), "error");
                })
                .register(registry);
        JvmMetrics.builder().register(registry);
        pool.addListener(this);
    }

    private void backendGauge(BackendPool pool, String name, String help, ToDoubleFunction<Backend> value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("backend")
                .callback(
                        callback -> pool.backends().forEach(b -> callback.call(value.applyAsDouble(b), b.authority())))
                .register(registry);
    }

    private void backendCounter(BackendPool pool, String name, String help, ToDoubleFunction<Backend> value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("backend")
                .callback(
                        callback -> pool.backends().forEach(b -> callback.call(value.applyAsDouble(b), b.authority())))
                .register(registry);
    }

    /** Starts the DNS lookup counters of these names at 0, so that rates work from the first lookup. */
    public void dnsNames(Iterable<String> names) {
        for (String name : names) {
            dnsLookups.labelValues(name, "ok");
            dnsLookups.labelValues(name, ERROR);
        }
    }

    /** Counts one DNS lookup of a backend entry. */
    public void dnsLookedUp(String name, boolean ok) {
        dnsLookups.labelValues(name, ok ? "ok" : ERROR).inc();
    }

    /** Adds the gauges of the proxy's HTTP client, once it exists. */
    public void watchProxyClient(org.eclipse.jetty.client.HttpClient client) {
        ProxyClientMetrics.register(registry, client, pool);
    }

    public MetricSnapshots scrape() {
        return registry.scrape();
    }

    @Override
    public void added(Backend backend) {
        String name = backend.authority();
        CounterDataPoint[] byClass = new CounterDataPoint[CODE_CLASSES.length];
        for (int i = 0; i < CODE_CLASSES.length; i++) {
            byClass[i] = requests.labelValues(name, CODE_CLASSES[i]);
        }
        backend.meters(new BoundMeters(
                byClass,
                requests.labelValues(name, ERROR),
                duration.labelValues(name),
                healthChecks.labelValues(name, "pass"),
                healthChecks.labelValues(name, "fail")));
    }

    @Override
    public void removed(Backend backend) {
        backend.meters(BackendMeters.NONE);
        String name = backend.authority();
        for (String codeClass : CODE_CLASSES) {
            requests.remove(name, codeClass);
        }
        requests.remove(name, ERROR);
        duration.remove(name);
        healthChecks.remove(name, "pass");
        healthChecks.remove(name, "fail");
    }

    /** One backend's series, bound. */
    private static final class BoundMeters implements BackendMeters {
        private final CounterDataPoint[] byClass;
        private final CounterDataPoint errors;
        private final DistributionDataPoint duration;
        private final CounterDataPoint passed;
        private final CounterDataPoint failedChecks;

        BoundMeters(
                CounterDataPoint[] byClass,
                CounterDataPoint errors,
                DistributionDataPoint duration,
                CounterDataPoint passed,
                CounterDataPoint failedChecks) {
            this.byClass = byClass;
            this.errors = errors;
            this.duration = duration;
            this.passed = passed;
            this.failedChecks = failedChecks;
        }

        @Override
        public void answered(int status, long nanos) {
            int codeClass = status / 100 - 1;
            if (codeClass >= 0 && codeClass < byClass.length) {
                byClass[codeClass].inc();
            } else {
                errors.inc();
            }
            duration.observe(nanos / (double) TimeUnit.SECONDS.toNanos(1));
        }

        @Override
        public void failed(long nanos) {
            errors.inc();
            duration.observe(nanos / (double) TimeUnit.SECONDS.toNanos(1));
        }

        @Override
        public void healthChecked(boolean passed) {
            (passed ? this.passed : failedChecks).inc();
        }
    }
}
