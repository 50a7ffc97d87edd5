package dev.jlb.web;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

import java.util.ArrayList;
import java.util.List;

/**
 * Headers that concern one connection only. Jetty drops the standard ones both ways, and on the
 * request side also those that the {@code Connection} header names; this covers the response side.
 */
final class HopByHop {
    private HopByHop() {
    }

    /**
     * The header names that a message's {@code Connection} headers list, other than the usual
     * {@code close} and {@code keep-alive}; {@code null} when there are none (nearly always).
     */
    static List<String> namedInConnection(HttpFields headers) {
        List<String> names = null;
        for (HttpField field : headers) {
            if (field.getHeader() == HttpHeader.CONNECTION) {
                for (String token : field.getValues()) {
                    String name = token.strip();
                    if (!name.isEmpty() && !name.equalsIgnoreCase("close") && !name.equalsIgnoreCase("keep-alive")) {
                        if (names == null) {
                            names = new ArrayList<>(2);
                        }
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }

    static boolean isNamed(List<String> names, HttpField field) {
        if (names != null) {
            for (String name : names) {
                if (field.is(name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
