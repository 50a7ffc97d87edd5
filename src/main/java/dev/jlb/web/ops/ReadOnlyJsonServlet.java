package dev.jlb.web.ops;

import dev.jlb.balancer.Balancer;
import jakarta.json.bind.Jsonb;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** A monitoring endpoint that answers GET and HEAD with a JSON document. */
abstract class ReadOnlyJsonServlet extends ReadOnlyServlet {
    private transient Jsonb jsonb;

    @Override
    public void init() throws ServletException {
        super.init();
        jsonb = Json.create();
    }

    @Override
    public void destroy() {
        Json.close(jsonb);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Answer answer = answer(balancer());
        Json.send(jsonb, response, answer.status(), answer.document());
    }

    /** A status and the document to send with it. */
    record Answer(int status, Object document) {}

    abstract Answer answer(Balancer balancer);
}
