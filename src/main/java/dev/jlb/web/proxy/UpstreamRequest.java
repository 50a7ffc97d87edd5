package dev.jlb.web.proxy;

import java.net.URI;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpConversation;
import org.eclipse.jetty.client.transport.HttpRequest;

/**
 * The request to a backend, with the client's path and query exactly as they came.
 *
 * <p>{@code HttpClient.newRequest(String)} parses the target as a {@link URI} and URL-decodes the
 * query into parameters: a query such as {@code a=%zz}, which is the backend's to judge, threw
 * there (a 500 naming the backend), and a path such as {@code //x/y} lost its first segment as
 * an authority. Here the origin is the backend's, parsed once, and the path and query are
 * carried verbatim to the request line (Jetty's HTTP/1.1 sender writes
 * {@link #getPath()}{@code ?}{@link #getQuery()} as they are); nothing is parsed per request.
 */
final class UpstreamRequest extends HttpRequest {
    private String path;
    private String query;

    /**
     * @param origin the backend's {@code scheme://host:port}
     * @param path   the raw path, beginning with {@code /}
     * @param query  the raw query, or {@code null}
     */
    UpstreamRequest(HttpClient client, URI origin, String path, String query) {
        super(client, new HttpConversation(), origin);
        this.path = path;
        this.query = query;
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    public String getQuery() {
        return query;
    }

    /** A path given later (Jetty sets {@code /} for an empty one) is taken as it is, with no query. */
    @Override
    public Request path(String path) {
        this.path = path;
        this.query = null;
        return this;
    }
}
