package dev.jlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SettingTest {
    @Test
    void everySpellingDerivesFromTheInitParamName() {
        assertEquals("healthCheckInterval", Setting.HEALTH_CHECK_INTERVAL.param());
        assertEquals("--health-check-interval", Setting.HEALTH_CHECK_INTERVAL.option());
        assertEquals("jlb.healthCheckInterval", Setting.HEALTH_CHECK_INTERVAL.systemProperty());
        assertEquals("JLB_HEALTH_CHECK_INTERVAL", Setting.HEALTH_CHECK_INTERVAL.environmentVariable());
        assertEquals("--backends", Setting.BACKENDS.option());
        assertEquals("JLB_BACKENDS", Setting.BACKENDS.environmentVariable());
        assertEquals("--backend-timeout", Setting.BACKEND_TIMEOUT.option());
        assertEquals("JLB_FORWARDED_BY", Setting.FORWARDED_BY.environmentVariable());
    }
}
