package dev.jlb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.config.AlgorithmName;
import dev.jlb.config.BalancerConfig;
import dev.jlb.config.ConfigException;
import dev.jlb.config.ConfigSources;
import dev.jlb.health.HealthChecker;
import dev.jlb.health.Monitored;
import dev.jlb.time.ManualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration file's reloads on fake time: when a change is applied, and that a bad one changes nothing. */
class ConfigFileWatcherTest {
    private static final Duration POLL = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Map<String, String> environment = new HashMap<>();
    private Path file;
    private Balancer balancer;
    private ConfigFileWatcher watcher;

    /** Every check passes at once. */
    private static final class PassingChecker implements HealthChecker {
        @Override
        public void start() {}

        @Override
        public void check(Monitored backend, Consumer<Outcome> done) {
            done.accept(new Outcome(true, null));
        }

        @Override
        public void stop() {}
    }

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("jlb.properties");
        write("backends=127.0.0.1:3001,127.0.0.1:3002\nalgorithm=round_robin\n");
        ConfigSources sources = new ConfigSources(
                        Map.of("configFile", file.toString()), name -> null, environment::get, name -> null)
                .withConfigFile();
        balancer = new Balancer(
                BalancerConfig.resolve(sources), bound -> 0, scheduler::nanoTime, new PassingChecker(), scheduler);
        balancer.start();
        watcher = new ConfigFileWatcher(sources, balancer, scheduler, POLL);
        watcher.start();
    }

    private void write(String content) throws IOException {
        Path temporary = dir.resolve("jlb.properties.tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, dir.resolve("jlb.properties"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aChangeIsAppliedOnceTwoReadsInARowAgree() throws IOException {
        write("backends=127.0.0.1:3001,127.0.0.1:3002\nalgorithm=least_connections\n");
        scheduler.advance(POLL);
        assertEquals(AlgorithmName.ROUND_ROBIN, balancer.pool().algorithm().name(), "one read is not enough");
        scheduler.advance(POLL);
        assertEquals(
                AlgorithmName.LEAST_CONNECTIONS, balancer.pool().algorithm().name());
        assertEquals(AlgorithmName.LEAST_CONNECTIONS, balancer.config().algorithm());
        assertEquals(1, balancer.configReloads().appliedCount());
        assertNull(balancer.configReloads().error());
    }

    @Test
    void aFileStillBeingWrittenWaitsUntilItStopsChanging() throws IOException {
        write("backends=127.0.0.1:3001\n");
        scheduler.advance(POLL);
        write("backends=127.0.0.1:3001\nalgorithm=random\n");
        scheduler.advance(POLL);
        assertEquals(AlgorithmName.ROUND_ROBIN, balancer.config().algorithm());
        assertEquals(0, balancer.configReloads().appliedCount(), "the half-written file was never applied");
        scheduler.advance(POLL);
        assertEquals(AlgorithmName.RANDOM, balancer.config().algorithm());
    }

    @Test
    void anInvalidFileChangesNothingAndSaysWhichKey() throws IOException {
        write("backends=127.0.0.1:3001\nalgorithm=fastest\nhealthCheckInterval=5\n");
        scheduler.advance(POLL.multipliedBy(2));
        assertEquals(AlgorithmName.ROUND_ROBIN, balancer.config().algorithm());
        assertEquals(Duration.ofSeconds(30), balancer.config().healthChecks().interval(), "nothing else changed");
        assertEquals(1, balancer.configReloads().refusedCount());
        assertTrue(
                balancer.configReloads().error().contains("key algorithm of configFile"),
                balancer.configReloads().error());
        scheduler.advance(POLL.multipliedBy(5));
        assertEquals(1, balancer.configReloads().refusedCount(), "the same bad file is refused once");

        write("backends=127.0.0.1:3001\nalgorithm=random\n");
        scheduler.advance(POLL.multipliedBy(2));
        assertEquals(AlgorithmName.RANDOM, balancer.config().algorithm());
        assertNull(balancer.configReloads().error(), "a good file clears the error");
    }

    @Test
    void aMisspeltKeyIsAnError() throws IOException {
        write("backends=127.0.0.1:3001\nalgoritm=random\n");
        scheduler.advance(POLL.multipliedBy(2));
        assertTrue(
                balancer.configReloads().error().contains("'algoritm'"),
                balancer.configReloads().error());
        assertEquals(AlgorithmName.ROUND_ROBIN, balancer.config().algorithm());
    }

    @Test
    void aFileThatIsGoneKeepsTheConfigurationAndCountsOneError() throws IOException {
        Files.delete(file);
        scheduler.advance(POLL.multipliedBy(10));
        assertEquals(1, balancer.configReloads().refusedCount());
        assertTrue(balancer.configReloads().error().contains("cannot be read"));
        assertEquals(AlgorithmName.ROUND_ROBIN, balancer.config().algorithm());
    }

    @Test
    void higherSourcesStillWinOverTheFile() throws IOException {
        environment.put("JLB_ALGORITHM", "random");
        write("backends=127.0.0.1:3001\nalgorithm=least_connections\n");
        scheduler.advance(POLL.multipliedBy(2));
        assertEquals(AlgorithmName.RANDOM, balancer.config().algorithm());
    }

    @Test
    void theHealthCheckIntervalChangesAtOnce() throws IOException {
        write("backends=127.0.0.1:3001,127.0.0.1:3002\nhealthCheckInterval=2\n");
        scheduler.advance(POLL.multipliedBy(2));
        assertEquals(Duration.ofSeconds(2), balancer.config().healthChecks().interval());
        long before = balancer.pool().backends().get(0).health().lastCheckNanos();
        scheduler.advance(Duration.ofSeconds(2));
        long after = balancer.pool().backends().get(0).health().lastCheckNanos();
        assertTrue(after > before, "checked within the new interval, not the old 30 s");
    }

    @Test
    void reloadNowAppliesWithoutWaitingForASecondRead() throws IOException {
        write("backends=127.0.0.1:3001\nalgorithm=random\n");
        watcher.reloadNow();
        assertEquals(AlgorithmName.RANDOM, balancer.config().algorithm());
    }

    @Test
    void aFileWithAKeyThatIsNoSettingStopsTheStart() throws IOException {
        write("backend=127.0.0.1:3001\n");
        ConfigSources sources =
                new ConfigSources(Map.of("configFile", file.toString()), name -> null, name -> null, name -> null);
        ConfigException e = assertThrows(ConfigException.class, sources::withConfigFile);
        assertTrue(e.getMessage().startsWith("key 'backend' of configFile " + file), e.getMessage());
    }
}
