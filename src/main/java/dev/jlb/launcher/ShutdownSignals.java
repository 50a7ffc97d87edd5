package dev.jlb.launcher;

import dev.jlb.testserver.TestServer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT stop the balancer gracefully and exit with status 0: a service manager
 * that sends SIGTERM for a restart sees a clean stop, not the JVM's 143. SIGHUP reloads the
 * configuration file.
 */
final class ShutdownSignals {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    private ShutdownSignals() {}

    static void stopGracefullyOn(EmbeddedBalancer balancer, List<TestServer> demoBackends) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : List.of("TERM", "INT")) {
            Signals.handle(name, signal -> {
                if (stopping.compareAndSet(false, true)) {
                    Thread stopper = new Thread(() -> stop(balancer, demoBackends, signal), "jlb-shutdown");
                    stopper.start();
                }
            });
        }
    }

    /** SIGHUP applies the configuration file again, as nginx and HAProxy reload theirs. */
    static void reloadOn(EmbeddedBalancer balancer) {
        Signals.handle("HUP", signal -> {
            if (!balancer.reloadConfig()) {
                LOG.warn("SIGHUP: no configFile is in use; nothing to reload");
            }
        });
    }

    private static void stop(EmbeddedBalancer balancer, List<TestServer> demoBackends, String signal) {
        LOG.info("SIG{}: jlb stops accepting connections and lets requests in flight finish", signal);
        int status = 0;
        try {
            balancer.close();
            LOG.info("jlb stopped");
        } catch (Exception e) {
            LOG.warn("jlb did not stop cleanly", e);
            status = 1;
        }
        Launcher.closeAll(demoBackends);
        System.exit(status);
    }
}
