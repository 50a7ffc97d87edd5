package dev.jlb.web;

import dev.jlb.text.ErrorMessages;
import jakarta.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes jlb's {@code {"error": "..."}} answers, for the proxy and the endpoints alike. */
public final class JsonErrors {
    public static final String CONTENT_TYPE = ErrorMessages.CONTENT_TYPE;

    private JsonErrors() {}

    /** The body for a message; for a fixed message, build it once. */
    public static byte[] body(String message) {
        return (Json.createObjectBuilder().add("error", message).build() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Sends the status with the body; the response must not be committed. */
    public static void send(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
