package dev.jlb.web.websocket;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** How the container at hand lets the client's connection be upgraded and joined to the backend's. */
interface ClientSide {
    /**
     * Answers the client 101 with the backend's choices (the response holds the headers the
     * client is to see already) and joins the two connections; false when the container would
     * not upgrade this request.
     */
    boolean join(
            HttpServletRequest request, HttpServletResponse response, BackendHandshake.Upgraded upgraded, Joint joint)
            throws IOException;

    /** Whether client frames are re-framed by jlb, so that no extension may be negotiated through it. */
    boolean reframes();
}
