package dev.jlb.web.proxy;

import dev.jlb.balancer.Backend;
import dev.jlb.config.StickyMode;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;

/**
 * Sessions that stick to a backend. With {@code sticky=cookie}, jlb's own cookie names the
 * backend (by its route, never its address) that the algorithm chose for a session's first
 * request; with {@code sticky=jsessionid}, the {@code jvmRoute} suffix of the container's
 * session id does, as mod_jk, mod_proxy_balancer and Jetty's {@code BalancerServlet} read it.
 * The pool decides whether the named backend may take the request.
 */
final class StickySessions {
    private static final String JSESSIONID = "JSESSIONID";
    private static final String PATH_PARAMETER = ";jsessionid=";

    private final StickyMode mode;
    private final String cookieName;
    private final String cookieAttributes;

    /**
     * @param cookieName  the name of jlb's cookie ({@code sticky=cookie})
     * @param contextPath the webapp's context path: the cookie's {@code Path}
     */
    StickySessions(StickyMode mode, String cookieName, String contextPath) {
        this.mode = mode;
        this.cookieName = cookieName;
        this.cookieAttributes = "; Path=" + (contextPath.isEmpty() ? "/" : contextPath) + "; HttpOnly; SameSite=Lax";
    }

    /** Whether jlb sets a cookie of its own (and keeps it from the backends). */
    boolean usesCookie() {
        return mode == StickyMode.COOKIE;
    }

    /** The cookie's name, or {@code null} when jlb sets none. */
    String cookieName() {
        return mode == StickyMode.COOKIE ? cookieName : null;
    }

    /** The route the request's session names, or {@code null}. */
    String requestedRoute(HttpServletRequest request) {
        return switch (mode) {
            case NONE -> null;
            case COOKIE -> Cookies.value(request, cookieName);
            case JSESSIONID -> jvmRoute(request);
        };
    }

    /** The part after the last {@code .} of the session id, from the cookie or else from {@code ;jsessionid=}. */
    private static String jvmRoute(HttpServletRequest request) {
        String sessionId = Cookies.value(request, JSESSIONID);
        if (sessionId == null) {
            String uri = request.getRequestURI();
            int parameter = uri.toLowerCase(Locale.ROOT).indexOf(PATH_PARAMETER);
            if (parameter >= 0) {
                int start = parameter + PATH_PARAMETER.length();
                int end = start;
                while (end < uri.length()
                        && uri.charAt(end) != ';'
                        && uri.charAt(end) != '/'
                        && uri.charAt(end) != '?') {
                    end++;
                }
                sessionId = uri.substring(start, end);
            }
        }
        if (sessionId == null) {
            return null;
        }
        int dot = sessionId.lastIndexOf('.');
        return dot < 0 || dot == sessionId.length() - 1 ? null : sessionId.substring(dot + 1);
    }

    /**
     * The {@code Set-Cookie} value that binds a session to the backend: its route, the context
     * path, {@code HttpOnly}, {@code SameSite=Lax}, and {@code Secure} for a client on HTTPS.
     */
    String cookie(Backend backend, boolean secure) {
        String cookie = cookieName + "=" + backend.route() + cookieAttributes;
        return secure ? cookie + "; Secure" : cookie;
    }
}
