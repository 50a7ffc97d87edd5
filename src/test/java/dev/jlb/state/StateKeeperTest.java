package dev.jlb.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.balancer.AdminOverlay;
import dev.jlb.balancer.BackendPool;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateKeeperTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T20:00:00Z"), ZoneOffset.UTC);
    private static final BackendAddress ONE = new BackendAddress("10.0.0.1", 80);
    private static final List<BackendSpec> CONFIGURED = List.of(new BackendSpec(ONE, 3));

    @TempDir
    Path directory;

    @Test
    void everyChangeIsInTheFileWhenItReturns() throws Exception {
        Path file = directory.resolve("state.json");
        StateKeeper keeper = StateKeeper.open(file, CONFIGURED, CLOCK);
        assertFalse(Files.exists(file));
        BackendSpec added = new BackendSpec(new BackendAddress("10.0.0.9", 80), 2);
        String result = keeper.change(() -> "done", overlay -> overlay.added(added));
        assertEquals("done", result);
        assertEquals(AdminOverlay.EMPTY.added(added), StateFile.read(file));
        assertEquals(3, keeper.configuredWeight(ONE));
        assertEquals(null, keeper.configuredWeight(added.address()));
    }

    @Test
    void aRefusedChangeIsNotRecorded() throws Exception {
        Path file = directory.resolve("state.json");
        StateKeeper keeper = StateKeeper.open(file, CONFIGURED, CLOCK);
        assertThrows(
                IllegalStateException.class,
                () -> keeper.change(
                        () -> {
                            throw new IllegalStateException("refused");
                        },
                        overlay -> overlay.removed(ONE)));
        assertTrue(keeper.overlay().isEmpty());
        assertFalse(Files.exists(file));
    }

    @Test
    void concurrentChangesAreAllKept() throws Exception {
        Path file = directory.resolve("state.json");
        StateKeeper keeper = StateKeeper.open(file, CONFIGURED, CLOCK);
        int calls = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService admins = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                BackendSpec spec = new BackendSpec(new BackendAddress("10.0.1." + i, 80), 1);
                done.add(admins.submit(() -> {
                    start.await();
                    return keeper.change(() -> spec, overlay -> overlay.added(spec));
                }));
            }
            start.countDown();
            for (Future<?> call : done) {
                call.get();
            }
        } finally {
            admins.shutdownNow();
        }
        assertEquals(calls, StateFile.read(file).changes().size());
        assertEquals(keeper.overlay(), StateFile.read(file));
    }

    @Test
    void aChangeThatCannotBeSavedSaysSoAndIsSavedWithTheNext() throws Exception {
        Path gone = directory.resolve("gone");
        Files.createDirectory(gone);
        Path file = gone.resolve("state.json");
        StateKeeper keeper = StateKeeper.open(file, CONFIGURED, CLOCK);
        Files.delete(gone);
        BackendSpec first = new BackendSpec(new BackendAddress("10.0.0.8", 80), 1);
        StateNotSavedException notSaved = assertThrows(
                StateNotSavedException.class, () -> keeper.change(() -> null, overlay -> overlay.added(first)));
        assertTrue(notSaved.getMessage().contains("in effect"), notSaved.getMessage());
        Files.createDirectory(gone);
        // Even a change that changes nothing more saves what was not saved.
        keeper.change(() -> null, overlay -> overlay);
        assertEquals(AdminOverlay.EMPTY.added(first), StateFile.read(file));
    }

    @Test
    void withoutAFileChangesAreKeptInMemoryOnly() throws Exception {
        StateKeeper keeper = StateKeeper.open(null, CONFIGURED, CLOCK);
        keeper.change(() -> null, overlay -> overlay.removed(ONE));
        assertEquals(AdminOverlay.EMPTY.removed(ONE), keeper.overlay());
        try (var entries = Files.list(directory)) {
            assertEquals(0, entries.count());
        }
    }

    @Test
    void applyingAtStartLaysTheFileOverThePool() throws Exception {
        Path file = directory.resolve("state.json");
        StateFile.write(file, AdminOverlay.EMPTY.updated(ONE, 7, null, 3), CLOCK.instant());
        StateKeeper keeper = StateKeeper.open(file, CONFIGURED, CLOCK);
        BackendPool pool = new BackendPool(
                CONFIGURED.stream().map(dev.jlb.balancer.Backend::new).toList(),
                dev.jlb.algorithm.Algorithms.create(dev.jlb.config.AlgorithmName.ROUND_ROBIN, bound -> 0));
        keeper.applyTo(pool);
        assertEquals(7, pool.find(ONE).orElseThrow().weight());
    }
}
