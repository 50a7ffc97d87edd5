package dev.jlb.web.ops;

import dev.jlb.balancer.Balancer;
import dev.jlb.web.JsonErrors;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Lets only the client addresses of {@code monitorAllow} reach the monitoring endpoints; others get 403. */
public final class MonitorAccessFilter implements Filter {
    private static final byte[] FORBIDDEN =
            JsonErrors.body("forbidden: this address may not see the monitoring endpoints");

    private Balancer balancer;

    @Override
    public void init(FilterConfig config) throws ServletException {
        balancer = (Balancer) config.getServletContext().getAttribute(Balancer.ATTRIBUTE);
        if (balancer == null) {
            throw new UnavailableException("jlb did not start; the log says why");
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (balancer.config().monitorAllow().allows(request.getRemoteAddr())) {
            chain.doFilter(request, response);
        } else {
            JsonErrors.send((HttpServletResponse) response, HttpServletResponse.SC_FORBIDDEN, FORBIDDEN);
        }
    }
}
