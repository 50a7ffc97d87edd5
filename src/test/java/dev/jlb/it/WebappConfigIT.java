package dev.jlb.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.launcher.EmbeddedBalancer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The WAR's own configuration: system properties over web.xml, launcher options over both, bad values refused. */
class WebappConfigIT {
    @AfterEach
    void clearProperties() {
        System.clearProperty("jlb.algorithm");
        System.clearProperty("jlb.backends");
    }

    @Test
    void aBadValueStopsTheWebappFromStartingAndIsNamed() {
        System.setProperty("jlb.algorithm", "fastest");
        EmbeddedBalancer.StartupException failure = assertThrows(
                EmbeddedBalancer.StartupException.class,
                () -> EmbeddedBalancer.start(
                        RunningBalancer.WAR, RunningBalancer.serverConfig(Map.of()), Map.of(), null));
        assertTrue(
                failure.getMessage().startsWith("system property jlb.algorithm: unknown algorithm 'fastest'"),
                failure.getMessage());
    }

    @Test
    void systemPropertiesOverrideWebXmlAndLauncherOptionsOverrideBoth() throws Exception {
        try (Backends backends = Backends.start(1)) {
            System.setProperty("jlb.algorithm", "random");
            System.setProperty("jlb.backends", backends.get(0).name());
            try (RunningBalancer balancer = RunningBalancer.start(Map.of())) {
                assertEquals("random", balancer.stats().getString("algorithm"));
                assertEquals(
                        backends.get(0).name(),
                        balancer.stats()
                                .getJsonArray("backends")
                                .getJsonObject(0)
                                .getString("address"));
            }
            try (RunningBalancer balancer = RunningBalancer.start(Map.of("algorithm", "least_connections"))) {
                assertEquals("least_connections", balancer.stats().getString("algorithm"));
            }
        }
    }
}
