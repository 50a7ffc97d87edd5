package dev.jlb.web.proxy;

import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.ee10.proxy.AsyncMiddleManServlet.ContentTransformer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;

/**
 * Passes a request body through unchanged, but fails it with 413 once it grows past the limit:
 * the only way to bound a body sent without a {@code Content-Length}.
 */
final class BodySizeLimit implements ContentTransformer {
    private final long limit;
    private long seen;

    BodySizeLimit(long limit) {
        this.limit = limit;
    }

    @Override
    public void transform(ByteBuffer input, boolean finished, List<ByteBuffer> output) {
        seen += input.remaining();
        if (seen > limit) {
            throw new HttpException.RuntimeException(
                    HttpStatus.PAYLOAD_TOO_LARGE_413, "request body over " + limit + " bytes");
        }
        output.add(input);
    }
}
