package dev.jlb.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code backends} list: the backends given as {@code HOST:PORT} and the DNS entries that
 * find others ({@code dns:NAME:PORT}, {@code srv:NAME}), in any mix.
 */
public record BackendEntries(List<BackendSpec> statics, List<DnsTarget> targets) {
    public BackendEntries {
        statics = List.copyOf(statics);
        targets = List.copyOf(targets);
    }

    /**
     * Parses a comma-separated list: at least one entry, none twice, and no route (given or
     * derived) shared by two static backends.
     */
    public static BackendEntries parse(String text) {
        List<BackendSpec> statics = new ArrayList<>();
        List<DnsTarget> targets = new ArrayList<>();
        Set<BackendAddress> seen = new HashSet<>();
        Set<String> sources = new HashSet<>();
        Map<String, BackendSpec> routes = new HashMap<>();
        for (String item : text.split(",", -1)) {
            String entry = item.strip();
            if (entry.isEmpty()) {
                if (text.isBlank()) {
                    break;
                }
                throw new IllegalArgumentException("empty entry in backend list '" + text + "'");
            }
            if (DnsTarget.isTarget(entry)) {
                DnsTarget target = DnsTarget.parse(entry);
                if (!sources.add(target.source())) {
                    throw new IllegalArgumentException(target.source() + " is listed twice");
                }
                targets.add(target);
                continue;
            }
            BackendSpec backend = ValueParsers.backend(entry);
            if (!seen.add(backend.address())) {
                throw new IllegalArgumentException("backend " + backend.address() + " is listed twice");
            }
            BackendSpec sameRoute = routes.putIfAbsent(backend.routeId(), backend);
            if (sameRoute != null) {
                throw new IllegalArgumentException("backends " + sameRoute.address() + " and " + backend.address()
                        + " have the same route '" + backend.routeId() + "'; routes must be unique");
            }
            statics.add(backend);
        }
        if (statics.isEmpty() && targets.isEmpty()) {
            throw new IllegalArgumentException(
                    "the backend list is empty; give at least one HOST:PORT, dns:NAME:PORT or srv:NAME");
        }
        return new BackendEntries(statics, targets);
    }
}
