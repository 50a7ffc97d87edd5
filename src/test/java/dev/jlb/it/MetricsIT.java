package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /lb-metrics: a strict Prometheus exposition that holds the exact counts of known traffic. */
class MetricsIT {
    private static final String TOKEN = "metrics-test-token";

    private static Metrics scrape(RunningBalancer balancer) throws Exception {
        HttpResponse<String> response = Http.get(balancer.uri("/lb-metrics"));
        assertEquals(200, response.statusCode());
        assertEquals(
                "text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow().toLowerCase(java.util.Locale.ROOT));
        return Metrics.parse(response.body());
    }

    private static String series(String name, TestServer backend, String... labels) {
        StringBuilder series = new StringBuilder(name)
                .append("{backend=\"")
                .append(backend.name())
                .append('"');
        for (int i = 0; i < labels.length; i += 2) {
            series.append(',')
                    .append(labels[i])
                    .append("=\"")
                    .append(labels[i + 1])
                    .append('"');
        }
        return series.append('}').toString();
    }

    @Test
    void theScrapePassesPromtoolAndHoldsTheExactCounts() throws Exception {
        try (Backends backends = Backends.start(2);
                RunningBalancer balancer = RunningBalancer.start(Map.of(
                        "backends",
                        backends.get(0).name() + "=2," + backends.get(1).name() + "=3",
                        "adminToken",
                        TOKEN,
                        "ejectTime",
                        "1"))) {
            TestServer a = backends.get(0);
            TestServer b = backends.get(1);
            await().until(() -> a.healthChecks() > 0 && b.healthChecks() > 0);
            // Round robin over two backends: each gets exactly half of every kind.
            for (int i = 0; i < 10; i++) {
                assertEquals(201, Http.get(balancer.uri("/ok?status=201")).statusCode());
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(404, Http.get(balancer.uri("/missing?status=404")).statusCode());
            }
            for (int i = 0; i < 2; i++) {
                assertEquals(503, Http.get(balancer.uri("/busy?status=503")).statusCode());
            }
            // Dropped by both: the first attempt and its retry each end in "error".
            assertEquals(502, Http.get(balancer.uri("/drop?drop=1")).statusCode());
            await().until(() -> balancer.connectionsInFlight() == 0);

            Metrics metrics = scrape(balancer);
            for (TestServer backend : backends.all()) {
                assertEquals(5, metrics.value(series("jlb_backend_requests_total", backend, "code_class", "2xx")));
                assertEquals(2, metrics.value(series("jlb_backend_requests_total", backend, "code_class", "4xx")));
                assertEquals(1, metrics.value(series("jlb_backend_requests_total", backend, "code_class", "5xx")));
                assertEquals(1, metrics.value(series("jlb_backend_requests_total", backend, "code_class", "error")));
                assertEquals(0, metrics.value(series("jlb_backend_requests_total", backend, "code_class", "3xx")));
                assertEquals(9, metrics.value(series("jlb_request_duration_seconds_count", backend)));
                assertEquals(0, metrics.value(series("jlb_backend_in_flight", backend)));
                assertEquals(1, metrics.value(series("jlb_backend_up", backend)));
                assertEquals(1, metrics.value(series("jlb_backend_failures_total", backend)));
                assertTrue(metrics.value(series("jlb_health_checks_total", backend, "result", "pass")) >= 1);
                assertEquals(0, metrics.value(series("jlb_health_checks_total", backend, "result", "fail")));
            }
            assertEquals(2, metrics.value(series("jlb_backend_weight", a)));
            assertEquals(3, metrics.value(series("jlb_backend_weight", b)));
            assertEquals(
                    1,
                    metrics.value(series("jlb_backend_retries_total", a))
                            + metrics.value(series("jlb_backend_retries_total", b)));
            assertEquals(17, metrics.value("jlb_requests_total"));
            assertTrue(metrics.value(series("jlb_request_duration_seconds_bucket", a, "le", "+Inf")) == 9);
            assertTrue(metrics.anyStartsWith("jvm_memory_used_bytes"), "no JVM metrics");
            assertTrue(metrics.anyStartsWith("jlb_proxy_threads"), "no thread-pool metrics");
            assertTrue(metrics.anyStartsWith("jlb_backend_connections"), "no connection-pool metrics");

            // A weight changed through the admin API is the gauge's value at once.
            HttpResponse<String> reweighted =
                    Http.send(HttpRequest.newBuilder(balancer.uri("/lb-admin/backends/" + b.name()))
                            .header("Authorization", "Bearer " + TOKEN)
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"weight\": 7}"))
                            .timeout(Http.TIMEOUT)
                            .build());
            assertEquals(200, reweighted.statusCode());
            assertEquals(7, scrape(balancer).value(series("jlb_backend_weight", b)));

            // Five 5xx answers in a row eject b; its failing health checks keep it down.
            b.answerEveryRequestWith(500);
            b.setHealthy(false);
            for (int i = 0; i < 10; i++) {
                Http.get(balancer.uri("/eject-me"));
            }
            await().until(() -> scrape(balancer).value(series("jlb_backend_ejections_total", b)) == 1);
            await().until(() -> scrape(balancer).value(series("jlb_health_checks_total", b, "result", "fail")) >= 1);
            Metrics down = scrape(balancer);
            assertEquals(0, down.value(series("jlb_backend_up", b)));
            assertEquals(1, down.value(series("jlb_backend_up", a)));
            assertEquals(0, down.value(series("jlb_backend_ejections_total", a)));
            b.answerEveryRequestWith(0);
            b.setHealthy(true);
            await().until(() -> scrape(balancer).value(series("jlb_backend_up", b)) == 1);

            // A removed backend's series disappear, every one of them.
            HttpResponse<String> removed =
                    Http.send(HttpRequest.newBuilder(balancer.uri("/lb-admin/backends/" + a.name()))
                            .header("Authorization", "Bearer " + TOKEN)
                            .DELETE()
                            .timeout(Http.TIMEOUT)
                            .build());
            assertEquals(202, removed.statusCode());
            await().until(() -> balancer.stats().getJsonArray("backends").size() == 1);
            Metrics after = scrape(balancer);
            assertFalse(
                    after.anyStartsWith("jlb_backend_requests_total{backend=\"" + a.name()),
                    "series of a removed backend");
            assertFalse(after.anyStartsWith("jlb_backend_up{backend=\"" + a.name()), "series of a removed backend");
            assertFalse(after.anyContains("backend=\"" + a.name() + '"'), "series of a removed backend");
            assertTrue(
                    after.has(series("jlb_backend_connections", b, "state", "idle")),
                    "the remaining backend's connection series went too");
            assertEquals(5, after.value(series("jlb_backend_requests_total", b, "code_class", "2xx")));
        }
    }

    @Test
    void takesOnlyGetAndHead() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of())) {
            for (String method : new String[] {"POST", "PUT", "DELETE"}) {
                HttpResponse<String> response = Http.send(HttpRequest.newBuilder(balancer.uri("/lb-metrics"))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .timeout(Http.TIMEOUT)
                        .build());
                assertEquals(405, response.statusCode());
                assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
            }
            assertEquals(404, Http.get(balancer.uri("/lb-metrics/other")).statusCode());
            assertEquals(0, backends.totalRequests());
        }
    }
}
