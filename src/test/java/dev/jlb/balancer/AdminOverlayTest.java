package dev.jlb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.algorithm.Algorithms;
import dev.jlb.config.AlgorithmName;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdminOverlayTest {
    private static final BackendAddress ONE = new BackendAddress("10.0.0.1", 80);
    private static final BackendAddress TWO = new BackendAddress("10.0.0.2", 80);
    private static final BackendAddress THREE = new BackendAddress("10.0.0.3", 80);
    private static final BackendAddress NEW = new BackendAddress("10.0.0.9", 80);

    private static List<BackendSpec> configured(int weightOfOne) {
        return List.of(new BackendSpec(ONE, weightOfOne), new BackendSpec(TWO, 1), new BackendSpec(THREE, 1));
    }

    private static BackendPool pool(List<BackendSpec> specs) {
        SplittableRandom random = new SplittableRandom(7);
        return new BackendPool(
                specs.stream().map(Backend::new).toList(),
                Algorithms.create(AlgorithmName.WEIGHTED_ROUND_ROBIN, random::nextInt));
    }

    private static Backend backend(BackendPool pool, BackendAddress address) {
        return pool.find(address).orElseThrow();
    }

    /** Drain one and reweight it, remove two, add a new one. */
    private static AdminOverlay operatorsWork() {
        return AdminOverlay.EMPTY
                .updated(ONE, 4, AdminState.DRAINING, 1)
                .removed(TWO)
                .added(new BackendSpec(NEW, 3))
                .updated(NEW, 6, null, null);
    }

    @Test
    void appliedToTheSameConfigurationItBringsBackWhatTheOperatorsDid() {
        BackendPool pool = pool(configured(1));
        AdminOverlay.Applied applied = operatorsWork().applyTo(pool, configured(1));
        assertEquals(List.of(), applied.skipped());
        assertEquals(operatorsWork(), applied.kept());
        assertEquals(
                List.of(ONE, THREE, NEW),
                pool.backends().stream().map(Backend::address).toList());
        assertEquals(4, backend(pool, ONE).weight());
        assertEquals(AdminState.DRAINING, backend(pool, ONE).state());
        assertEquals(6, backend(pool, NEW).weight());
        assertEquals(AdminState.ENABLED, backend(pool, NEW).state());
        // The added backend waits for its first health check, as one added through /lb-admin does.
        assertFalse(backend(pool, NEW).isEligible());
        assertEquals(List.of(backend(pool, THREE)), pool.eligible());
    }

    @Test
    void applyingItTwiceChangesNothingMore() {
        BackendPool pool = pool(configured(1));
        AdminOverlay kept = operatorsWork().applyTo(pool, configured(1)).kept();
        AdminOverlay.Applied again = kept.applyTo(pool, configured(1));
        assertEquals(kept, again.kept());
        assertEquals(List.of(), again.skipped());
        assertEquals(
                List.of(ONE, THREE, NEW),
                pool.backends().stream().map(Backend::address).toList());
        assertEquals(6, backend(pool, NEW).weight());
    }

    @Test
    void aWeightTheConfigurationChangedSinceIsTheConfigurations() {
        // The operator set 4 over a configured 1; the configuration now says 2.
        BackendPool pool = pool(configured(2));
        AdminOverlay.Applied applied = operatorsWork().applyTo(pool, configured(2));
        assertEquals(2, backend(pool, ONE).weight());
        assertEquals(AdminState.DRAINING, backend(pool, ONE).state());
        assertEquals(1, applied.skipped().size());
        assertTrue(
                applied.skipped().get(0).contains("from 1 to 2"),
                applied.skipped().toString());
        assertEquals(
                new BackendChange(ONE, BackendChange.Kind.CHANGED, null, null, true, null),
                applied.kept().find(ONE).orElseThrow());
    }

    @Test
    void anAddedBackendThatIsNowConfiguredStaysAsConfigured() {
        List<BackendSpec> now = List.of(new BackendSpec(ONE, 1), new BackendSpec(NEW, 9));
        BackendPool pool = pool(now);
        AdminOverlay.Applied applied =
                AdminOverlay.EMPTY.added(new BackendSpec(NEW, 3)).applyTo(pool, now);
        assertEquals(9, backend(pool, NEW).weight());
        assertEquals(1, applied.skipped().size());
        assertTrue(applied.kept().isEmpty());
    }

    @Test
    void changesOfBackendsNoLongerConfiguredAreDropped() {
        List<BackendSpec> now = List.of(new BackendSpec(THREE, 1));
        BackendPool pool = pool(now);
        AdminOverlay.Applied applied = operatorsWork().applyTo(pool, now);
        // ONE's drain is reported; TWO's removal needs no word; NEW is added.
        assertEquals(1, applied.skipped().size());
        assertTrue(
                applied.skipped().get(0).contains(ONE.toString()),
                applied.skipped().toString());
        assertEquals(AdminOverlay.EMPTY.added(new BackendSpec(NEW, 6)), applied.kept());
        assertEquals(
                List.of(THREE, NEW),
                pool.backends().stream().map(Backend::address).toList());
    }

    @Test
    void removingTheLastBackendIsRefusedAndReported() {
        List<BackendSpec> now = List.of(new BackendSpec(TWO, 1));
        BackendPool pool = pool(now);
        AdminOverlay.Applied applied = AdminOverlay.EMPTY.removed(TWO).applyTo(pool, now);
        assertEquals(
                List.of(TWO), pool.backends().stream().map(Backend::address).toList());
        assertEquals(1, applied.skipped().size());
        assertTrue(applied.kept().isEmpty());
    }

    @Test
    void aChangeBackToTheConfigurationLeavesNothing() {
        AdminOverlay overlay =
                AdminOverlay.EMPTY.updated(ONE, 4, AdminState.DRAINING, 1).updated(ONE, 1, AdminState.ENABLED, 1);
        assertTrue(overlay.isEmpty());
        assertEquals(
                new BackendChange(ONE, BackendChange.Kind.CHANGED, 4, 1, false, null),
                AdminOverlay.EMPTY
                        .updated(ONE, null, AdminState.DRAINING, 1)
                        .updated(ONE, 4, null, 1)
                        .updated(ONE, null, AdminState.ENABLED, 1)
                        .find(ONE)
                        .orElseThrow());
    }

    @Test
    void aBackendTheAdminAddedAndRemovedLeavesNothing() {
        assertTrue(AdminOverlay.EMPTY
                .added(new BackendSpec(NEW, 2))
                .updated(NEW, 5, AdminState.DRAINING, null)
                .removed(NEW)
                .isEmpty());
    }

    @Test
    void aRemovedBackendStaysRemoved() {
        AdminOverlay removed = AdminOverlay.EMPTY.updated(TWO, 3, null, 1).removed(TWO);
        assertEquals(removed, removed.updated(TWO, 5, AdminState.DRAINING, 1));
        assertEquals(BackendChange.Kind.REMOVED, removed.find(TWO).orElseThrow().kind());
    }

    @Test
    void aBackendAppearsOnceAtMost() {
        BackendChange removed = new BackendChange(TWO, BackendChange.Kind.REMOVED, null, null, false, null);
        assertThrows(IllegalArgumentException.class, () -> new AdminOverlay(List.of(removed, removed)));
    }
}
