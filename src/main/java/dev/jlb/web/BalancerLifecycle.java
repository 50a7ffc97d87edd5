package dev.jlb.web;

import dev.jlb.algorithm.RandomSource;
import dev.jlb.balancer.BackendTls;
import dev.jlb.balancer.Balancer;
import dev.jlb.balancer.ConfigFileWatcher;
import dev.jlb.config.BalancerConfig;
import dev.jlb.config.ConfigException;
import dev.jlb.config.ConfigSources;
import dev.jlb.config.DnsSettings;
import dev.jlb.config.DnsTarget;
import dev.jlb.config.Setting;
import dev.jlb.discovery.DnsDiscovery;
import dev.jlb.health.HttpHealthChecker;
import dev.jlb.metrics.BalancerMetrics;
import dev.jlb.state.StateFileException;
import dev.jlb.state.StateKeeper;
import dev.jlb.time.ExecutorScheduler;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.time.Clock;
import java.util.List;
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

    /**
     * Context attribute with a {@code Runnable} that reads the {@code configFile} again and applies
     * it, for the launcher's SIGHUP; absent when no file is in use.
     */
    public static final String CONFIG_RELOAD_ATTRIBUTE = "dev.jlb.configReload";

    /** How often a {@code configFile} is read to see whether it changed. */
    private static final java.time.Duration CONFIG_FILE_POLL = java.time.Duration.ofSeconds(1);

    private Balancer balancer;
    private ConfigFileWatcher watcher;
    private DnsDiscovery discovery;
    private DnsSettings dnsInForce;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ConfigSources sources = resolveSources(context);
        BalancerConfig config = resolveConfig(sources);
        StateKeeper state = openState(sources, config);
        balancer = new Balancer(
                config,
                RandomSource.threadLocal(),
                System::nanoTime,
                new HttpHealthChecker(config.healthChecks(), BackendTls.context(config.backendTrust())),
                new ExecutorScheduler("jlb-scheduler"));
        // Before the metrics and the health checks, which then see the pool as the operators left it.
        state.applyTo(balancer.pool());
        BalancerMetrics metrics =
                new BalancerMetrics(balancer.pool(), balancer::proxiedRequests, balancer.configReloads());
        try {
            balancer.start();
        } catch (Exception e) {
            throw new IllegalStateException("jlb: the health checks could not start", e);
        }
        startDiscovery(config.dns(), metrics);
        balancer.onReconfigured(next -> {
            state.reconfigured(balancer.pool(), next.backends());
            restartDiscovery(next.dns(), metrics);
        });
        if (sources.file() != null) {
            watcher = new ConfigFileWatcher(sources, balancer, balancer.scheduler(), CONFIG_FILE_POLL);
            watcher.start();
            context.setAttribute(CONFIG_RELOAD_ATTRIBUTE, (Runnable) watcher::reloadNow);
        }
        context.setAttribute(Balancer.ATTRIBUTE, balancer);
        context.setAttribute(BalancerMetrics.ATTRIBUTE, metrics);
        context.setAttribute(StateKeeper.ATTRIBUTE, state);
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
        event.getServletContext().removeAttribute(StateKeeper.ATTRIBUTE);
        event.getServletContext().removeAttribute(CONFIG_RELOAD_ATTRIBUTE);
        if (watcher != null) {
            watcher.stop();
            watcher = null;
        }
        synchronized (this) {
            if (discovery != null) {
                discovery.stop();
                discovery = null;
            }
        }
        if (balancer != null) {
            balancer.stop();
            balancer = null;
        }
    }

    private synchronized void startDiscovery(DnsSettings dns, BalancerMetrics metrics) {
        dnsInForce = dns;
        if (!dns.targets().isEmpty()) {
            metrics.dnsNames(
                    dns.targets().stream().map(DnsTarget::name).distinct().toList());
            discovery = DnsDiscovery.withDns(dns, balancer.pool(), metrics::dnsLookedUp);
            discovery.start();
        }
    }

    /**
     * A reloaded configuration that changed the DNS entries or how they are looked up: new lookups
     * replace the old. The backends of an entry that stays stay until its first new answer says
     * otherwise; those of an entry that is gone drain and leave.
     */
    private synchronized void restartDiscovery(DnsSettings next, BalancerMetrics metrics) {
        if (next.equals(dnsInForce)) {
            return;
        }
        if (discovery != null) {
            discovery.stop();
            discovery = null;
        }
        for (DnsTarget gone : dnsInForce.targets()) {
            if (!next.targets().contains(gone)) {
                balancer.pool().reconcile(gone.source(), List.of());
            }
        }
        startDiscovery(next, metrics);
    }

    private static ConfigSources resolveSources(ServletContext context) {
        @SuppressWarnings("unchecked")
        Map<String, String> options = (Map<String, String>) context.getAttribute(LAUNCHER_OPTIONS_ATTRIBUTE);
        try {
            return ConfigSources.ofProcess(options == null ? Map.of() : options, context::getInitParameter)
                    .withConfigFile();
        } catch (ConfigException e) {
            throw failed(e);
        }
    }

    /** A state file that exists but cannot be used stops the start: starting without it would undo a drain. */
    private static StateKeeper openState(ConfigSources sources, BalancerConfig config) {
        try {
            return StateKeeper.open(config.stateFile(), config.backends(), Clock.systemUTC());
        } catch (StateFileException e) {
            ConfigException named =
                    new ConfigException(sources.lookup(Setting.STATE_FILE).source(), e.getMessage());
            LOG.error("jlb cannot start: {}", named.getMessage());
            throw new IllegalStateException("jlb configuration error: " + named.getMessage(), named);
        }
    }

    private static BalancerConfig resolveConfig(ConfigSources sources) {
        try {
            return BalancerConfig.resolve(sources);
        } catch (ConfigException e) {
            throw failed(e);
        }
    }

    private static IllegalStateException failed(ConfigException e) {
        LOG.error("jlb cannot start: {}", e.getMessage());
        return new IllegalStateException("jlb configuration error: " + e.getMessage(), e);
    }
}
