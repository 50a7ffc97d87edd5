package dev.jlb.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Paths kept for jlb's own endpoints that are not served yet: never proxied, always 404. */
public final class ReservedPathServlet extends HttpServlet {
    private static final byte[] NOT_FOUND = JsonErrors.body("not found");

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonErrors.send(response, HttpServletResponse.SC_NOT_FOUND, NOT_FOUND);
    }
}
