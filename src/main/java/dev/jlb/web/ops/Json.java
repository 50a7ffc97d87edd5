package dev.jlb.web.ops;

import dev.jlb.web.JsonErrors;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** JSON-B as jlb's endpoints use it: snake_case names, nulls written out. */
final class Json {
    private Json() {}

    static Jsonb create() {
        return JsonbBuilder.create(new JsonbConfig()
                .withNullValues(true)
                .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));
    }

    static void close(Jsonb jsonb) {
        if (jsonb != null) {
            try {
                jsonb.close();
            } catch (Exception e) {
                // nothing left to release
            }
        }
    }

    static void send(Jsonb jsonb, HttpServletResponse response, int status, Object document) throws IOException {
        byte[] body = (jsonb.toJson(document) + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(JsonErrors.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
