import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A peer for bench/run: Jetty 12's core reverse proxy (ProxyHandler.Reverse, no servlet layer),
 * round-robin over the backends, as Jetty's documentation sets it up. Not part of jlb.
 * Usage: java CoreProxy PORT HOST:PORT,HOST:PORT,...
 */
public class CoreProxy {
    public static void main(String[] args) throws Exception {
        String[] backends = args[1].split(",");
        AtomicInteger next = new AtomicInteger();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        ProxyHandler.Reverse proxy = new ProxyHandler.Reverse(request -> {
            String backend = backends[Math.floorMod(next.getAndIncrement(), backends.length)];
            int colon = backend.lastIndexOf(':');
            return HttpURI.build(request.getHttpURI())
                    .scheme("http")
                    .host(backend.substring(0, colon))
                    .port(Integer.parseInt(backend.substring(colon + 1)));
        });
        server.setHandler(proxy);
        server.start();
        server.join();
    }
}
