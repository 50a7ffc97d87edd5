package dev.jlb.launcher;

import dev.jlb.text.ErrorMessages;
import dev.jlb.text.JsonString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The embedded server's answer to what never reaches the webapp, such as a request its parser
 * refuses (400, 414, 431): jlb's JSON error, as inside the webapp, rather than Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        // A parser's refusal names what was wrong and nothing else; any other exception says too much.
        boolean exception = cause != null && !(cause instanceof HttpException);
        // The webapp writes its errors with JSON-P; the server has no JSON-P of its own for one string.
        byte[] body = ("{\"error\": " + JsonString.quote(ErrorMessages.messageFor(code, message, exception)) + "}\n")
                .getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ErrorMessages.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
