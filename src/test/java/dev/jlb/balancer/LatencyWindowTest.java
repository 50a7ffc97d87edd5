package dev.jlb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencyWindowTest {
    private final LatencyWindow window = new LatencyWindow();

    @Test
    void isEmptyAtFirst() {
        assertEquals(-1, window.mean(0));
        assertEquals(-1, window.mean(12345));
    }

    @Test
    void averagesOverTheLastSixtySeconds() {
        window.record(100, 10);
        window.record(130, 20);
        window.record(159, 60);
        assertEquals(30, window.mean(159));
        assertEquals(40, window.mean(160));
        assertEquals(40, window.mean(189));
        assertEquals(60, window.mean(190));
        assertEquals(-1, window.mean(219));
    }

    @Test
    void aBucketReusedAMinuteLaterForgetsItsOldSamples() {
        window.record(5, 1000);
        window.record(65, 10);
        assertEquals(10, window.mean(65));
    }
}
