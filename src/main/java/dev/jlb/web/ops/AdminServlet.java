package dev.jlb.web.ops;

import dev.jlb.balancer.AdminState;
import dev.jlb.balancer.Backend;
import dev.jlb.balancer.BackendPool;
import dev.jlb.balancer.Balancer;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import dev.jlb.state.StateKeeper;
import dev.jlb.state.StateNotSavedException;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /lb-admin}: add, remove, reweight, drain and enable backends at run time. Off (404)
 * without an admin token; every call needs {@code Authorization: Bearer <token>}. A change is
 * validated whole before any of it applies, takes effect at once for new requests, is saved to
 * the state file (when there is one) before the call answers, and is logged (never with the token).
 */
public final class AdminServlet extends HttpServlet {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServlet.class);
    private static final String BACKENDS = "/backends";
    private static final int MAX_BODY = 64 * 1024;

    private transient Balancer balancer;
    private transient StateKeeper keeper;
    private transient Jsonb jsonb;
    private byte[] tokenDigest;

    /** A refused call: its status and message. */
    private static final class Refusal extends Exception {
        private final int status;

        Refusal(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    public void init() throws ServletException {
        balancer = (Balancer) getServletContext().getAttribute(Balancer.ATTRIBUTE);
        if (balancer == null) {
            throw new UnavailableException("jlb did not start; the log says why");
        }
        keeper = (StateKeeper) getServletContext().getAttribute(StateKeeper.ATTRIBUTE);
        jsonb = Json.create();
        tokenDigest = digest(balancer.config().adminToken());
    }

    @Override
    public void destroy() {
        Json.close(jsonb);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!balancer.config().adminEnabled()) {
                throw new Refusal(
                        HttpServletResponse.SC_NOT_FOUND, "not found: /lb-admin is off without an admin token");
            }
            authenticate(request, response);
            route(request, response);
        } catch (Refusal refusal) {
            Json.send(jsonb, response, refusal.status, Map.of("error", refusal.getMessage()));
        } catch (StateNotSavedException e) {
            Json.send(jsonb, response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, Map.of("error", e.getMessage()));
        }
    }

    private void authenticate(HttpServletRequest request, HttpServletResponse response) throws Refusal {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"jlb\"");
            throw new Refusal(HttpServletResponse.SC_UNAUTHORIZED, "unauthorized: send Authorization: Bearer <token>");
        }
        // Digests of equal length, compared in constant time: the comparison tells nothing of the token.
        if (!MessageDigest.isEqual(
                tokenDigest, digest(authorization.substring(7).strip()))) {
            throw new Refusal(HttpServletResponse.SC_FORBIDDEN, "forbidden: wrong token");
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response)
            throws Refusal, IOException, StateNotSavedException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String method = request.getMethod();
        if (path.equals(BACKENDS)) {
            switch (method) {
                case "GET", "HEAD" -> Json.send(jsonb, response, HttpServletResponse.SC_OK, Map.of("backends", all()));
                case "POST" -> add(request, response);
                default -> notAllowed(response, "GET, HEAD, POST");
            }
        } else if (path.startsWith(BACKENDS + "/") && path.length() > BACKENDS.length() + 1) {
            Backend backend = backend(path.substring(BACKENDS.length() + 1));
            switch (method) {
                case "GET", "HEAD" -> Json.send(jsonb, response, HttpServletResponse.SC_OK, stats(backend));
                case "PUT" -> update(request, response, backend);
                case "DELETE" -> remove(request, response, backend);
                default -> notAllowed(response, "GET, HEAD, PUT, DELETE");
            }
        } else {
            throw new Refusal(HttpServletResponse.SC_NOT_FOUND, "not found: the admin API is under /lb-admin/backends");
        }
    }

    private void notAllowed(HttpServletResponse response, String allowed) throws Refusal {
        response.setHeader("Allow", allowed);
        throw new Refusal(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "method not allowed; use " + allowed);
    }

    private void add(HttpServletRequest request, HttpServletResponse response)
            throws Refusal, IOException, StateNotSavedException {
        JsonObject body = body(request, Set.of("address", "weight", "route"));
        if (!body.containsKey("address") || body.get("address").getValueType() != JsonValue.ValueType.STRING) {
            throw badRequest("\"address\": \"HOST:PORT\" is required");
        }
        BackendAddress address = address(((JsonString) body.get("address")).getString());
        int weight = body.containsKey("weight") ? weight(body.get("weight")) : 1;
        String route = body.containsKey("route") ? route(body.get("route")) : null;
        BackendSpec spec = new BackendSpec(address, weight, route, false, BackendSpec.ADMIN);
        try {
            Backend added = keeper.change(() -> balancer.pool().add(spec), overlay -> overlay.added(spec));
            LOG.info(
                    "admin ({}): backend {} added with weight {}; it takes traffic once a health check passes",
                    request.getRemoteAddr(),
                    added,
                    weight);
            Json.send(jsonb, response, HttpServletResponse.SC_CREATED, stats(added));
        } catch (BackendPool.RefusedException e) {
            throw new Refusal(HttpServletResponse.SC_CONFLICT, e.getMessage());
        }
    }

    private void update(HttpServletRequest request, HttpServletResponse response, Backend backend)
            throws Refusal, IOException, StateNotSavedException {
        JsonObject body = body(request, Set.of("weight", "state"));
        if (body.isEmpty()) {
            throw badRequest("give \"weight\" and/or \"state\"");
        }
        Integer weight = body.containsKey("weight") ? weight(body.get("weight")) : null;
        AdminState state = body.containsKey("state") ? state(body.get("state")) : null;
        // Both are valid: now apply them together.
        keeper.change(
                () -> {
                    if (weight != null) {
                        backend.weight(weight);
                    }
                    if (state != null) {
                        backend.state(state);
                    }
                    balancer.pool().rebuild();
                    return backend;
                },
                overlay ->
                        overlay.updated(backend.address(), weight, state, keeper.configuredWeight(backend.address())));
        LOG.info(
                "admin ({}): backend {} now has weight {} and state {}",
                request.getRemoteAddr(),
                backend,
                backend.weight(),
                backend.stateName());
        Json.send(jsonb, response, HttpServletResponse.SC_OK, stats(backend));
    }

    private void remove(HttpServletRequest request, HttpServletResponse response, Backend backend)
            throws Refusal, IOException, StateNotSavedException {
        try {
            keeper.change(
                    () -> balancer.pool().remove(backend.address()), overlay -> overlay.removed(backend.address()));
            LOG.info(
                    "admin ({}): backend {} is being removed: no new requests, gone once {} in flight have ended",
                    request.getRemoteAddr(),
                    backend,
                    backend.inFlight());
            Json.send(jsonb, response, HttpServletResponse.SC_ACCEPTED, stats(backend));
        } catch (BackendPool.RefusedException e) {
            int status = e.refusal() == BackendPool.Refusal.UNKNOWN
                    ? HttpServletResponse.SC_NOT_FOUND
                    : HttpServletResponse.SC_CONFLICT;
            throw new Refusal(status, e.getMessage());
        }
    }

    private List<StatsServlet.BackendStats> all() {
        long now = balancer.nanoTime();
        return balancer.pool().backends().stream()
                .map(b -> StatsServlet.stats(b, now))
                .toList();
    }

    private StatsServlet.BackendStats stats(Backend backend) {
        return StatsServlet.stats(backend, balancer.nanoTime());
    }

    private Backend backend(String text) throws Refusal {
        BackendAddress address = address(text);
        return balancer.pool()
                .find(address)
                .orElseThrow(() -> new Refusal(HttpServletResponse.SC_NOT_FOUND, "no backend " + address));
    }

    private static BackendAddress address(String text) throws Refusal {
        try {
            return BackendAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    private static String route(JsonValue value) throws Refusal {
        if (value instanceof JsonString text && text.getString().matches("[A-Za-z0-9_-]{1,64}")) {
            return text.getString();
        }
        throw badRequest("\"route\" must be 1-64 of A-Z, a-z, 0-9, _ and -, not " + value);
    }

    private static int weight(JsonValue value) throws Refusal {
        if (value instanceof JsonNumber number && number.isIntegral()) {
            try {
                int weight = number.intValueExact();
                if (weight >= 1 && weight <= BackendSpec.MAX_WEIGHT) {
                    return weight;
                }
            } catch (ArithmeticException tooLarge) {
                // reported below
            }
        }
        throw badRequest("\"weight\" must be an integer from 1 to " + BackendSpec.MAX_WEIGHT + ", not " + value);
    }

    private static AdminState state(JsonValue value) throws Refusal {
        if (value instanceof JsonString text) {
            switch (text.getString()) {
                case "draining" -> {
                    return AdminState.DRAINING;
                }
                case "enabled" -> {
                    return AdminState.ENABLED;
                }
                default -> {}
            }
        }
        throw badRequest("\"state\" must be \"draining\" or \"enabled\", not " + value);
    }

    /** The request's JSON object, with no field but the allowed ones. */
    private static JsonObject body(HttpServletRequest request, Set<String> allowed) throws Refusal, IOException {
        String text;
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw badRequest("the body is over " + MAX_BODY + " bytes");
            }
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        JsonObject body;
        try (JsonReader reader = jakarta.json.Json.createReader(new StringReader(text))) {
            body = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw badRequest("the body is not a JSON object");
        }
        for (String field : body.keySet()) {
            if (!allowed.contains(field)) {
                throw badRequest("unknown field \"" + field + "\"; known: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return body;
    }

    private static Refusal badRequest(String message) {
        return new Refusal(HttpServletResponse.SC_BAD_REQUEST, "bad request: " + message);
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
