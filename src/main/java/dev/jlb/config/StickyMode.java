package dev.jlb.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How requests of one session find their backend again. */
public enum StickyMode {
    /** Every request is the algorithm's to place. */
    NONE,
    /** jlb's own cookie names the backend that answered the first request. */
    COOKIE,
    /** The {@code jvmRoute} suffix of the servlet container's {@code JSESSIONID} names it, as mod_jk does. */
    JSESSIONID;

    /** The name in configuration and in {@code /lb-stats}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode of a configuration name.
     *
     * @throws IllegalArgumentException naming the valid names
     */
    public static StickyMode fromName(String name) {
        for (StickyMode mode : values()) {
            if (mode.configName().equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown sticky mode '" + name + "'; valid names: "
                + Arrays.stream(values()).map(StickyMode::configName).collect(Collectors.joining(", ")));
    }
}
