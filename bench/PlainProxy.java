import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.proxy.AsyncMiddleManServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Java peer bench/run measures jlb against: a plain AsyncMiddleManServlet subclass that
 * round-robins over the backends, as one would write it without care for cost. Not part of jlb.
 * Usage: java PlainProxy PORT HOST:PORT,HOST:PORT,...
 */
public class PlainProxy extends AsyncMiddleManServlet {
    private final String[] backends;
    private final AtomicInteger next = new AtomicInteger();

    PlainProxy(String[] backends) {
        this.backends = backends;
    }

    @Override
    protected String rewriteTarget(HttpServletRequest request) {
        String backend = backends[Math.floorMod(next.getAndIncrement(), backends.length)];
        String query = request.getQueryString();
        return "http://" + backend + request.getRequestURI() + (query == null ? "" : "?" + query);
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder proxy = new ServletHolder(new PlainProxy(args[1].split(",")));
        proxy.setAsyncSupported(true);
        context.addServlet(proxy, "/*");
        server.setHandler(context);
        server.start();
        server.join();
    }
}
