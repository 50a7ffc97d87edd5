package dev.jlb.web;

import dev.jlb.algorithm.RandomSource;
import dev.jlb.balancer.BackendTls;
import dev.jlb.balancer.Balancer;
import dev.jlb.config.BalancerConfig;
import dev.jlb.config.ConfigException;
import dev.jlb.config.ConfigSources;
import dev.jlb.config.DnsTarget;
import dev.jlb.discovery.DnsDiscovery;
import dev.jlb.health.HttpHealthChecker;
import dev.jlb.metrics.BalancerMetrics;
import dev.jlb.time.ExecutorScheduler;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the balancer with the webapp and stops it with the webapp: resolves the configuration
 * (a bad value stops the webapp from starting), creates the backend pool and runs the health
 * checks until the webapp is undeployed.
 */
public final class BalancerLifecycle implements ServletContextListener {
    /**
     * Context attribute through which the embedded launcher passes the options given on its
     * command line: a {@code Map<String, String>} keyed by init-param name.
     */
    public static final String LAUNCHER_OPTIONS_ATTRIBUTE = "dev.jlb.launcherOptions";
    /** Context attribute with a one-line summary of the configuration in effect, for the launcher's log. */
    public static final String SUMMARY_ATTRIBUTE = "dev.jlb.summary";

    private static final Logger LOG = LoggerFactory.getLogger(BalancerLifecycle.class);

    private Balancer balancer;
    private DnsDiscovery discovery;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        BalancerConfig config = resolveConfig(context);
        balancer = new Balancer(
                config,
                RandomSource.threadLocal(),
                System::nanoTime,
                new HttpHealthChecker(config.healthChecks(), BackendTls.context(config.backendTrust())),
                new ExecutorScheduler("jlb-scheduler"));
        BalancerMetrics metrics = new BalancerMetrics(balancer.pool(), balancer::proxiedRequests);
        try {
            balancer.start();
        } catch (Exception e) {
            throw new IllegalStateException("jlb: the health checks could not start", e);
        }
        if (!config.dns().targets().isEmpty()) {
            metrics.dnsNames(config.dns().targets().stream()
                    .map(DnsTarget::name)
                    .distinct()
                    .toList());
            discovery = DnsDiscovery.withDns(config.dns(), balancer.pool(), metrics::dnsLookedUp);
            discovery.start();
        }
        context.setAttribute(Balancer.ATTRIBUTE, balancer);
        context.setAttribute(BalancerMetrics.ATTRIBUTE, metrics);
        String summary = "algorithm " + config.algorithm().configName() + ", backends " + config.describeBackends();
        context.setAttribute(SUMMARY_ATTRIBUTE, summary);
        LOG.info(
                "jlb started: {}; health check GET {} every {} s",
                summary,
                config.healthChecks().path(),
                config.healthChecks().interval().toMillis() / 1000.0);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        event.getServletContext().removeAttribute(Balancer.ATTRIBUTE);
        event.getServletContext().removeAttribute(BalancerMetrics.ATTRIBUTE);
        event.getServletContext().removeAttribute(SUMMARY_ATTRIBUTE);
        if (discovery != null) {
            discovery.stop();
            discovery = null;
        }
        if (balancer != null) {
            balancer.stop();
            balancer = null;
        }
    }

    private static BalancerConfig resolveConfig(ServletContext context) {
        @SuppressWarnings("unchecked")
        Map<String, String> options = (Map<String, String>) context.getAttribute(LAUNCHER_OPTIONS_ATTRIBUTE);
        ConfigSources sources =
                ConfigSources.ofProcess(options == null ? Map.of() : options, context::getInitParameter);
        try {
            return BalancerConfig.resolve(sources);
        } catch (ConfigException e) {
            LOG.error("jlb cannot start: {}", e.getMessage());
            throw new IllegalStateException("jlb configuration error: " + e.getMessage(), e);
        }
    }
}
