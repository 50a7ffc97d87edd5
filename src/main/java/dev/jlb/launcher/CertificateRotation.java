package dev.jlb.launcher;

import dev.jlb.config.ConfigException;
import dev.jlb.config.TlsSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a renewed certificate without a restart: the files are read every few seconds, and when
 * their contents change and they make a valid pair, the TLS context is reloaded. New connections
 * get the new certificate; connections already open keep theirs and are not dropped. A renewal
 * half written (a certificate without its key yet) is left alone until it is whole.
 */
final class CertificateRotation implements AutoCloseable {
    /** How often the files are read: a renewal is served well within 10 s. */
    static final Duration PERIOD = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(CertificateRotation.class);

    private final TlsSettings tls;
    private final SslContextFactory.Server ssl;
    private final ScheduledExecutorService scheduler;
    private String served;
    private String refused;

    private CertificateRotation(TlsSettings tls, SslContextFactory.Server ssl, String fingerprint) {
        this.tls = tls;
        this.ssl = ssl;
        this.served = fingerprint;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "jlb-certificate-rotation");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts watching the files behind the context, whose credentials have this fingerprint. */
    static CertificateRotation watch(TlsSettings tls, SslContextFactory.Server ssl, String fingerprint) {
        CertificateRotation rotation = new CertificateRotation(tls, ssl, fingerprint);
        var unused = rotation.scheduler.scheduleWithFixedDelay(
                rotation::check, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return rotation;
    }

    private void check() {
        try {
            String fingerprint = TlsCredentials.fingerprint(tls);
            if (fingerprint.equals(served) || fingerprint.equals(refused)) {
                return;
            }
            TlsCredentials credentials = TlsCredentials.load(tls);
            ssl.reload(factory -> factory.setKeyStore(credentials.keyStore()));
            served = fingerprint;
            refused = null;
            LOG.info("TLS certificate reloaded: {}", credentials.summary());
        } catch (ConfigException e) {
            String fingerprint = fingerprintOrNull();
            if (fingerprint != null && !fingerprint.equals(refused)) {
                refused = fingerprint;
                LOG.warn(
                        "TLS certificate files changed but cannot be served yet, keeping the current one: {}",
                        e.getMessage());
            }
        } catch (Exception e) {
            LOG.warn("TLS certificate files could not be read, keeping the current certificate: {}", e.toString());
        }
    }

    private String fingerprintOrNull() {
        try {
            return TlsCredentials.fingerprint(tls);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
