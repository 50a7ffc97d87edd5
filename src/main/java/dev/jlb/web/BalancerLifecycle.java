package dev.jlb.web;

import dev.jlb.algorithm.RandomSource;
import dev.jlb.balancer.BackendTls;
import dev.jlb.balancer.Balancer;
import dev.jlb.config.BalancerConfig;
import dev.jlb.config.ConfigException;
import dev.jlb.config.ConfigSources;
import dev.jlb.config.Setting;
import dev.jlb.health.HttpHealthChecker;
import dev.jlb.metrics.BalancerMetrics;
import dev.jlb.state.StateFileException;
import dev.jlb.state.StateKeeper;
import dev.jlb.time.ExecutorScheduler;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.time.Clock;
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

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ConfigSources sources = sources(context);
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
        BalancerMetrics metrics = new BalancerMetrics(balancer.pool(), balancer::proxiedRequests);
        try {
            balancer.start();
        } catch (Exception e) {
            throw new IllegalStateException("jlb: the health checks could not start", e);
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
        if (balancer != null) {
            balancer.stop();
            balancer = null;
        }
    }

    private static ConfigSources sources(ServletContext context) {
        @SuppressWarnings("unchecked")
        Map<String, String> options = (Map<String, String>) context.getAttribute(LAUNCHER_OPTIONS_ATTRIBUTE);
        return ConfigSources.ofProcess(options == null ? Map.of() : options, context::getInitParameter);
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
            LOG.error("jlb cannot start: {}", e.getMessage());
            throw new IllegalStateException("jlb configuration error: " + e.getMessage(), e);
        }
    }
}
