package dev.jlb.health;

import dev.jlb.config.EjectionPolicy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A backend's passive health: its run of failed requests and its ejection. Request threads read
 * {@link #isEjected()} (one volatile read) and count failures with atomics; ejecting and ending an
 * ejection are rare and synchronized.
 *
 * <p>What ends an ejection depends on its {@link Cause}. One for failed connections ends once the
 * backend passes {@code rise} active checks in a row after it, however short that is: a process
 * that crashed and came back is back as soon as its health checks say so. One for failed answers
 * lasts its ejection time, since passing checks prove nothing about the answers that failed.
 */
public final class OutlierState {
    private static final long NEVER = Long.MIN_VALUE;

    /** Why a backend was ejected, which decides what ends the ejection. */
    public enum Cause {
        /** Connections to it failed: refused, reset, or not made in time. */
        CONNECTION,
        /** It answered badly while it accepted connections: 5xx answers, or no answer in time. */
        ANSWERS
    }

    private final AtomicInteger failuresInARow = new AtomicInteger();
    private final LongAdder ejections = new LongAdder();
    private volatile Cause ejectedFor;
    // Guarded by this.
    private long ejectedUntilNanos;
    private long returnedNanos = NEVER;
    private int ejectionsInARow;
    private int passesSinceEjection;

    /** A request got an acceptable answer: the run of failures is over. */
    public void answeredWell() {
        if (failuresInARow.get() != 0) {
            failuresInARow.set(0);
        }
    }

    /** A request failed; returns how many have failed in a row. */
    public int failedAgain() {
        return failuresInARow.incrementAndGet();
    }

    public boolean isEjected() {
        return ejectedFor != null;
    }

    /** Why it is ejected, or {@code null} when it is not. */
    public Cause cause() {
        return ejectedFor;
    }

    /** How many times it was ejected. */
    public long ejections() {
        return ejections.sum();
    }

    /**
     * Ejects the backend, unless it is ejected already, for the policy's time: longer for each
     * ejection in a row, and "in a row" ends once the backend has been back longer than the
     * longest ejection time.
     *
     * @return how long it is ejected, or {@code null} if it was already
     */
    public synchronized Duration eject(long nowNanos, EjectionPolicy policy, Cause cause) {
        if (ejectedFor != null) {
            return null;
        }
        if (returnedNanos == NEVER
                || nowNanos - returnedNanos > policy.maxEjectTime().toNanos()) {
            ejectionsInARow = 0;
        }
        ejectionsInARow++;
        Duration time = policy.ejectTimeFor(ejectionsInARow);
        ejectedUntilNanos = nowNanos + time.toNanos();
        passesSinceEjection = 0;
        failuresInARow.set(0);
        ejectedFor = cause;
        ejections.increment();
        return time;
    }

    /** Ends an ejection for failed answers if its time is up; returns whether it ended. */
    public synchronized boolean endIfDue(long nowNanos) {
        if (ejectedFor != Cause.ANSWERS || nowNanos - ejectedUntilNanos < 0) {
            return false;
        }
        end(nowNanos);
        return true;
    }

    /**
     * Counts an active check that completed during an ejection for failed connections, and ends
     * the ejection once {@code rise} of them have passed in a row.
     *
     * @return whether the ejection ended
     */
    public synchronized boolean checkedAfterConnectionFailures(boolean passed, int rise, long nowNanos) {
        if (ejectedFor != Cause.CONNECTION) {
            return false;
        }
        passesSinceEjection = passed ? passesSinceEjection + 1 : 0;
        if (passesSinceEjection < rise) {
            return false;
        }
        end(nowNanos);
        return true;
    }

    private void end(long nowNanos) {
        ejectedFor = null;
        returnedNanos = nowNanos;
    }
}
