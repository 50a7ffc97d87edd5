package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sessions that stick to a backend, by jlb's own cookie or by the container's JSESSIONID, on real sockets. */
class StickySessionsIT {
    private static final String TOKEN = "sticky-test-token";

    private static HttpResponse<String> get(RunningBalancer balancer, String path, String cookie) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(balancer.uri(path)).timeout(Http.TIMEOUT).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return Http.send(request.build());
    }

    private static String backendOf(HttpResponse<String> response) {
        return response.headers().firstValue("X-Backend-Server").orElseThrow();
    }

    private static String setCookie(HttpResponse<String> response) {
        return response.headers().firstValue("Set-Cookie").orElse(null);
    }

    /** {@code JLB_ROUTE=value} out of a Set-Cookie header. */
    private static String cookiePair(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static String list(Backends backends, String... routes) {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < backends.all().size(); i++) {
            list.append(i == 0 ? "" : ",").append(backends.get(i).name());
            if (i < routes.length) {
                list.append('@').append(routes[i]);
            }
        }
        return list.toString();
    }

    @Test
    void theFirstAnswerSetsTheCookieAndTheSessionStaysOnThatBackendWhateverTheAlgorithm() throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = RunningBalancer.start(
                        Map.of("backends", list(backends, "node-a"), "sticky", "cookie", "algorithm", "round_robin"))) {
            HttpResponse<String> first = get(balancer, "/login", null);
            String setCookie = setCookie(first);
            String backend = backendOf(first);
            assertTrue(setCookie != null && setCookie.startsWith("JLB_ROUTE="), String.valueOf(setCookie));
            assertTrue(setCookie.endsWith("; Path=/; HttpOnly; SameSite=Lax"), setCookie);
            assertFalse(setCookie.contains("Secure"), "the client came over plain HTTP: " + setCookie);
            assertFalse(setCookie.contains("127.0.0.1") || setCookie.contains(":"), "the address leaks: " + setCookie);
            JsonObject stats = balancer.backendStats(backends.get(0));
            assertEquals("JLB_ROUTE=node-a", cookiePair(setCookie), "round robin starts at the first, routed node-a");
            assertEquals("node-a", stats.getString("route"));
            assertEquals("cookie", balancer.stats().getString("sticky"));

            for (int i = 0; i < 10; i++) {
                HttpResponse<String> next = get(balancer, "/cart/" + i, cookiePair(setCookie) + "; theme=dark");
                assertEquals(backend, backendOf(next), "request " + i + " left its session's backend");
                assertEquals(null, setCookie(next), "a routed request binds nothing anew");
                String cookies = json(next).getJsonObject("headers").getString("Cookie", "");
                assertEquals("theme=dark", cookies, "jlb's cookie reached the backend, or another cookie was lost");
            }
            // Without the cookie, round robin goes on as usual.
            Set<String> spread = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                spread.add(backendOf(get(balancer, "/anon/" + i, null)));
            }
            assertEquals(3, spread.size());
        }
    }

    @Test
    void aBackendWithoutARouteIsNamedByAnIdThatDoesNotGiveItsAddressAway() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("sticky", "cookie"))) {
            String route = balancer.backendStats(backends.get(0)).getString("route");
            assertTrue(route.matches("[0-9a-f]{12}"), route);
            HttpResponse<String> first = get(balancer, "/", null);
            String routeOfAnswer = balancer.stats().getJsonArray("backends").stream()
                    .map(b -> b.asJsonObject())
                    .filter(b -> b.getString("address").equals(backendOf(first)))
                    .findFirst()
                    .orElseThrow()
                    .getString("route");
            assertEquals("JLB_ROUTE=" + routeOfAnswer, cookiePair(setCookie(first)));
        }
    }

    @Test
    void whenTheNamedBackendIsDownAnotherTakesTheRequestAndTheCookieIsSetAnew() throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer =
                        RunningBalancer.start(Map.of("backends", list(backends, "a", "b", "c"), "sticky", "cookie"))) {
            TestServer named = backends.get(1);
            named.setHealthy(false);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !balancer.backendStats(named).getBoolean("healthy"));
            HttpResponse<String> moved = get(balancer, "/cart", "JLB_ROUTE=b");
            assertNotEquals(named.name(), backendOf(moved));
            String rebound = cookiePair(setCookie(moved));
            assertNotEquals("JLB_ROUTE=b", rebound);
            // The new binding holds from then on, even once b is back.
            named.setHealthy(true);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> balancer.backendStats(named).getBoolean("healthy"));
            for (int i = 0; i < 5; i++) {
                assertEquals(backendOf(moved), backendOf(get(balancer, "/cart/" + i, rebound)));
            }
            // An unknown route is placed by the algorithm, and bound.
            HttpResponse<String> unknown = get(balancer, "/", "JLB_ROUTE=nowhere");
            assertTrue(cookiePair(setCookie(unknown)).matches("JLB_ROUTE=[abc]"), setCookie(unknown));
        }
    }

    @Test
    void aDrainingBackendFinishesItsSessionsButGetsNoNewOnes() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.start(
                        Map.of("backends", list(backends, "keep", "drain"), "sticky", "cookie", "adminToken", TOKEN))) {
            TestServer draining = backends.get(1);
            assertEquals(
                    200,
                    new Admin(balancer, TOKEN)
                            .put("/backends/" + draining.name(), "{\"state\": \"draining\"}")
                            .statusCode());
            for (int i = 0; i < 5; i++) {
                assertEquals(draining.name(), backendOf(get(balancer, "/session/" + i, "JLB_ROUTE=drain")));
            }
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> fresh = get(balancer, "/new/" + i, null);
                assertEquals(backends.get(0).name(), backendOf(fresh));
                assertEquals("JLB_ROUTE=keep", cookiePair(setCookie(fresh)));
            }
        }
    }

    @Test
    void theJvmRouteOfJsessionidNamesTheBackendAndJlbSetsNoCookie() throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = RunningBalancer.start(
                        Map.of("backends", list(backends, "node1", "node2", "node3"), "sticky", "jsessionid"))) {
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> byCookie = get(balancer, "/app/" + i, "JSESSIONID=8F3A9C1B2D.node2; other=1");
                assertEquals(backends.get(1).name(), backendOf(byCookie));
                assertEquals(null, setCookie(byCookie));
                assertEquals(
                        "JSESSIONID=8F3A9C1B2D.node2; other=1",
                        json(byCookie).getJsonObject("headers").getString("Cookie"),
                        "the container's session cookie is the backend's own: it passes");
            }
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> byPath = get(balancer, "/app/cart;jsessionid=77AB.node3?item=" + i, null);
                assertEquals(backends.get(2).name(), backendOf(byPath));
                assertEquals("/app/cart;jsessionid=77AB.node3", json(byPath).getString("path"));
            }
            Set<String> unrouted = new HashSet<>();
            for (String session : List.of("JSESSIONID=NODOT", "JSESSIONID=ABC.nodeX", "JSESSIONID=ABC.")) {
                for (int i = 0; i < 3; i++) {
                    unrouted.add(backendOf(get(balancer, "/", session)));
                }
            }
            assertEquals(3, unrouted.size(), "sessions without a known route are the algorithm's to place");
            assertEquals("jsessionid", balancer.stats().getString("sticky"));
        }
    }
}
