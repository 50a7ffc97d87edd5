package dev.jlb.balancer;

import dev.jlb.config.BalancerConfig;
import dev.jlb.config.ConfigException;
import dev.jlb.config.ConfigFile;
import dev.jlb.config.ConfigSources;
import dev.jlb.config.Setting;
import dev.jlb.time.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the {@code configFile} and puts each new version in force whole, or not at all.
 *
 * <p>The file is read every poll interval and applied once two reads in a row agree: a file that a
 * tool writes in place is read half-written now and then, and half a file is often still a valid
 * one (a missing {@code backends} line falls back to the default backends). SIGHUP applies the
 * file at once, as the operator says it is complete. Reading a small file once a second costs
 * less than keeping a file-system watch right across a ConfigMap's symbolic-link swaps.
 */
public final class ConfigFileWatcher {
    /**
     * Settings a running jlb cannot take over besides the launcher's own: they shape TLS, the
     * backend client's trust, open WebSockets, the admin servlet and its state file. A change to
     * one of these or to a launcher-only setting is logged and waits for the restart.
     */
    private static final Set<Setting> AT_RESTART = EnumSet.of(
            Setting.TLS_CERT,
            Setting.TLS_KEY,
            Setting.TLS_KEYSTORE,
            Setting.TLS_KEYSTORE_PASSWORD,
            Setting.BACKEND_TRUST,
            Setting.WEBSOCKET_TIMEOUT,
            Setting.ADMIN_TOKEN,
            Setting.STATE_FILE);

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileWatcher.class);

    private final Path path;
    private final Balancer balancer;
    private final Scheduler scheduler;
    private final Duration pollInterval;
    private ConfigSources sources;
    /** The content last applied or refused: only a content other than this is a change. */
    private String seen;

    private String pending;
    private String unreadable;
    private Scheduler.Task polls;

    /**
     * @param sources      the sources the running configuration was resolved from, file included
     * @param pollInterval how often the file is read
     */
    public ConfigFileWatcher(ConfigSources sources, Balancer balancer, Scheduler scheduler, Duration pollInterval) {
        this.sources = sources;
        this.path = Objects.requireNonNull(sources.file(), "sources without a configFile")
                .path();
        this.seen = sources.file().content();
        this.balancer = balancer;
        this.scheduler = scheduler;
        this.pollInterval = pollInterval;
    }

    public synchronized void start() {
        polls = scheduler.scheduleAtFixedRate(this::poll, pollInterval, pollInterval);
    }

    public synchronized void stop() {
        if (polls != null) {
            polls.cancel();
            polls = null;
        }
    }

    /** Reads the file and applies it if it changed since the last two reads agreed. */
    synchronized void poll() {
        String content = read();
        if (content == null || content.equals(seen)) {
            pending = null;
            return;
        }
        if (content.equals(pending)) {
            pending = null;
            apply(content);
        } else {
            pending = content;
        }
    }

    /** SIGHUP: reads the file and applies it now, changed or not. */
    public synchronized void reloadNow() {
        pending = null;
        String content = read();
        if (content != null) {
            LOG.info("{} {}: reloading on request", Setting.CONFIG_FILE.param(), path);
            apply(content);
        }
    }

    private String read() {
        try {
            String content = Files.readString(path, StandardCharsets.UTF_8);
            unreadable = null;
            return content;
        } catch (IOException | RuntimeException e) {
            String why = Setting.CONFIG_FILE.param() + " " + path + ": cannot be read (" + e + ")";
            if (!why.equals(unreadable)) {
                // Once per failure, not once per poll: a file gone for an hour is one error.
                unreadable = why;
                balancer.configReloads().refused(why);
                LOG.error("{}; the configuration in force stays", why);
            }
            return null;
        }
    }

    private void apply(String content) {
        seen = content;
        ConfigSources next;
        BalancerConfig config;
        try {
            next = sources.withFile(ConfigFile.parse(path, content));
            config = BalancerConfig.resolve(next);
        } catch (ConfigException e) {
            balancer.configReloads().refused(e.getMessage());
            LOG.error("{} {} not applied, nothing changed: {}", Setting.CONFIG_FILE.param(), path, e.getMessage());
            return;
        }
        List<String> waiting = waitingForRestart(sources, next);
        sources = next;
        balancer.reconfigure(config);
        balancer.configReloads().applied();
        LOG.info(
                "{} {} applied: algorithm {}, backends {}",
                Setting.CONFIG_FILE.param(),
                path,
                config.algorithm().configName(),
                config.describeBackends());
        if (!waiting.isEmpty()) {
            LOG.warn(
                    "{} {}: {} changed, which takes effect when jlb restarts",
                    Setting.CONFIG_FILE.param(),
                    path,
                    String.join(", ", waiting));
        }
    }

    private static List<String> waitingForRestart(ConfigSources before, ConfigSources after) {
        List<String> changed = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            if ((setting.launcherOnly() || AT_RESTART.contains(setting))
                    && !before.lookup(setting)
                            .value()
                            .equals(after.lookup(setting).value())) {
                changed.add(setting.param());
            }
        }
        return changed;
    }
}
