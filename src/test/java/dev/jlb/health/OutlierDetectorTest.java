package dev.jlb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.config.EjectionPolicy;
import dev.jlb.health.OutlierState.Cause;
import java.io.EOFException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Passive health on a clock the test moves: what ejects a backend and what brings it back. */
class OutlierDetectorTest {
    private static final int RISE = 2;
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final TestMonitored crashed = new TestMonitored(3001);
    private final TestMonitored other = new TestMonitored(3002);
    private final AtomicInteger changes = new AtomicInteger();
    private final OutlierDetector detector = new OutlierDetector(
            new EjectionPolicy(5, Duration.ofSeconds(30), EjectionPolicy.MAX_EJECT_TIME),
            RISE,
            clock::get,
            changes::incrementAndGet);

    private void later(long seconds) {
        clock.addAndGet(seconds * SECOND);
    }

    private static boolean takesTraffic(TestMonitored backend) {
        return backend.takesTraffic();
    }

    @Test
    void aRefusedConnectionEjectsAtOnceAndRisePassingChecksEndItLongBeforeTheEjectTime() {
        detector.connectFailed(crashed, new ConnectException("Connection refused"));
        assertFalse(takesTraffic(crashed));
        assertEquals(Cause.CONNECTION, crashed.outlier().cause());
        assertEquals(1, changes.get(), "the pool is told to rebuild");

        later(1);
        detector.checkCompleted(crashed, true);
        assertFalse(takesTraffic(crashed), "one passing check is not rise");
        later(1);
        detector.checkCompleted(crashed, true);
        assertTrue(takesTraffic(crashed), "back after rise passing checks, 2 s into a 30 s ejection");
        assertEquals(2, changes.get(), "the pool is told to rebuild");
        assertNull(crashed.outlier().cause());
    }

    @Test
    void aFailingCheckStartsTheCountOfPassesAgain() {
        detector.connectFailed(crashed, new ConnectException("Connection refused"));
        detector.checkCompleted(crashed, true);
        detector.checkCompleted(crashed, false);
        detector.checkCompleted(crashed, true);
        assertFalse(takesTraffic(crashed));
        detector.checkCompleted(crashed, true);
        assertTrue(takesTraffic(crashed));
    }

    @Test
    void passesBeforeTheEjectionDoNotCount() {
        detector.checkCompleted(crashed, true);
        detector.checkCompleted(crashed, true);
        detector.connectFailed(crashed, new ConnectException("Connection refused"));
        detector.checkCompleted(crashed, true);
        assertFalse(takesTraffic(crashed));
    }

    @Test
    void connectionsResetUnderRequestsInARowEjectUntilChecksPass() {
        for (int i = 0; i < 5; i++) {
            detector.connectionLost(crashed, new EOFException("reset"));
        }
        assertEquals(Cause.CONNECTION, crashed.outlier().cause());
        detector.checkCompleted(crashed, true);
        detector.checkCompleted(crashed, true);
        assertTrue(takesTraffic(crashed));
    }

    @Test
    void failedAnswersWhileChecksPassKeepTheirEjectionTime() {
        for (int i = 0; i < 5; i++) {
            detector.answered(crashed, 503);
        }
        assertEquals(Cause.ANSWERS, crashed.outlier().cause());
        for (int i = 0; i < 29; i++) {
            later(1);
            detector.checkCompleted(crashed, true);
            assertFalse(takesTraffic(crashed), "passing checks ended a 30 s ejection after " + (i + 1) + " s");
        }
        later(1);
        detector.checkCompleted(crashed, true);
        assertTrue(takesTraffic(crashed));
    }

    @Test
    void timeoutsAndInvalidAnswersCountAgainstTheAnswers() {
        for (int i = 0; i < 5; i++) {
            detector.answerFailed(crashed, new TimeoutException());
        }
        assertEquals(Cause.ANSWERS, crashed.outlier().cause());
        detector.checkCompleted(crashed, true);
        detector.checkCompleted(crashed, true);
        assertFalse(takesTraffic(crashed));
    }

    @Test
    void anAnswerEjectionThatIsOverLeavesABackendTheChecksFoundDownOut() {
        for (int i = 0; i < 5; i++) {
            detector.answered(crashed, 500);
        }
        crashed.health().beginCheck();
        crashed.health().endCheck(false, clock.get(), 1, RISE, 1);
        later(30);
        detector.checkCompleted(crashed, false);
        assertFalse(crashed.outlier().isEjected(), "the ejection is over");
        assertFalse(takesTraffic(crashed), "the failing checks keep it out");
    }

    @Test
    void aSecondAnswerEjectionInARowLastsTwiceAsLong() {
        for (int i = 0; i < 5; i++) {
            detector.answered(crashed, 500);
        }
        later(30);
        detector.checkCompleted(crashed, true);
        assertTrue(takesTraffic(crashed));
        for (int i = 0; i < 5; i++) {
            detector.answered(crashed, 500);
        }
        later(59);
        detector.checkCompleted(crashed, true);
        assertFalse(takesTraffic(crashed));
        later(1);
        detector.checkCompleted(crashed, true);
        assertTrue(takesTraffic(crashed));
    }

    @Test
    void goodAnswersInBetweenResetTheRun() {
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 4; i++) {
                detector.answered(crashed, 502);
            }
            detector.answered(crashed, 200);
        }
        assertTrue(takesTraffic(crashed));
        assertTrue(takesTraffic(other));
    }
}
