package dev.jlb.web;

import dev.jlb.text.JsonError;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Writes {@code {"error": "..."}} answers. */
final class JsonErrors {
    static final String CONTENT_TYPE = JsonError.CONTENT_TYPE;

    private JsonErrors() {
    }

    /** The body for a fixed message, built once. */
    static byte[] body(String message) {
        return JsonError.body(message);
    }

    /** Sends the status with the body; the response must not be committed. */
    static void send(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
