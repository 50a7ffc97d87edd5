package dev.jlb.metrics;

import dev.jlb.balancer.BackendPool;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import org.eclipse.jetty.client.AbstractConnectionPool;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpDestination;

/**
 * Gauges of the proxy's HTTP client: its connection pool per backend and the thread pool it runs
 * on. In Jetty that pool is the server's own, of a class from the server's class loader, so its
 * figures are read through its public getters by name.
 */
final class ProxyClientMetrics {
    private ProxyClientMetrics() {}

    static void register(PrometheusRegistry registry, HttpClient client, BackendPool pool) {
        GaugeWithCallback.builder()
                .name("jlb_backend_connections")
                .help("Connections of the proxy to the backend, by state")
                .labelNames("backend", "state")
                .callback(callback -> {
                    // The client keeps a destination after its backend left the pool; its series must go with it.
                    Set<String> inPool = new HashSet<>();
                    pool.backends().forEach(b -> inPool.add(b.authority()));
                    for (Destination destination : client.getDestinations()) {
                        String backend = destination.getOrigin().getAddress().asString();
                        if (!inPool.contains(backend)) {
                            continue;
                        }
                        if (destination.getConnectionPool() instanceof AbstractConnectionPool connections) {
                            callback.call(connections.getActiveConnectionCount(), backend, "active");
                            callback.call(connections.getIdleConnectionCount(), backend, "idle");
                        }
                        if (destination instanceof HttpDestination http) {
                            callback.call(http.getQueuedRequestCount(), backend, "queued");
                        }
                    }
                })
                .register(registry);

        Executor executor = client.getExecutor();
        Method busy = getter(executor, "getBusyThreads");
        Method idle = getter(executor, "getIdleThreads");
        Method max = getter(executor, "getMaxThreads");
        Method queued = getter(executor, "getQueueSize");
        if (busy != null && idle != null && max != null) {
            GaugeWithCallback.builder()
                    .name("jlb_proxy_threads")
                    .help("Threads of the pool the proxy runs on, by state")
                    .labelNames("state")
                    .callback(callback -> {
                        callback.call(read(busy, executor), "busy");
                        callback.call(read(idle, executor), "idle");
                        callback.call(read(max, executor), "max");
                    })
                    .register(registry);
        }
        if (queued != null) {
            GaugeWithCallback.builder()
                    .name("jlb_proxy_queued_jobs")
                    .help("Jobs waiting for a thread of the pool the proxy runs on")
                    .callback(callback -> callback.call(read(queued, executor)))
                    .register(registry);
        }
    }

    private static Method getter(Object target, String name) {
        try {
            Method method = target.getClass().getMethod(name);
            return method.getReturnType() == int.class ? method : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static double read(Method getter, Object target) {
        try {
            return (int) getter.invoke(target);
        } catch (ReflectiveOperationException e) {
            return Double.NaN;
        }
    }
}
