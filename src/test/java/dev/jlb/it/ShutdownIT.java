package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stopping gracefully: SIGTERM to the launcher (no new connections, requests in flight finish,
 * exit 0) and the WAR undeployed from its container (requests in flight finish, checks stop).
 */
class ShutdownIT {
    private static boolean refusesConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    @Test
    void undeployingTheWarLetsRequestsInFlightFinishAndStopsTheHealthChecks() throws Exception {
        try (Backends backends = Backends.start(1);
                RunningBalancer balancer = RunningBalancer.inFrontOf(backends.all(), Map.of("shutdownGrace", "10"))) {
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                inFlight.add(Http.CLIENT.sendAsync(
                        HttpRequest.newBuilder(balancer.uri("/slow/" + i + "?delay_ms=1500"))
                                .timeout(Http.TIMEOUT)
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().until(() -> backends.totalRequests() == 3);
            balancer.undeploy();
            for (CompletableFuture<HttpResponse<String>> request : inFlight) {
                assertEquals(200, request.get(10, TimeUnit.SECONDS).statusCode());
            }
            long checks = backends.get(0).healthChecks();
            await().during(Duration.ofMillis(800)).until(() -> backends.get(0).healthChecks() == checks);
        }
    }

    @Test
    void sigtermLetsRequestsInFlightFinishRefusesNewConnectionsAndExits0() throws Exception {
        try (Backends backends = Backends.start(2)) {
            int port = JlbProcess.freePort();
            String list = backends.get(0).name() + "," + backends.get(1).name();
            try (JlbProcess jlb = JlbProcess.start(
                    "-p",
                    String.valueOf(port),
                    "-b",
                    list,
                    "--health-check-interval",
                    "0.2",
                    "--shutdown-grace",
                    "20")) {
                jlb.awaitLog(line -> line.contains("jlb listening on port"));
                List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    inFlight.add(Http.CLIENT.sendAsync(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/slow/" + i + "?delay_ms=2000"))
                                    .timeout(Http.TIMEOUT)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                await().until(() -> backends.totalRequests() == 6);

                jlb.signalTerm();

                await().atMost(Duration.ofSeconds(2)).until(() -> refusesConnections(port));
                for (CompletableFuture<HttpResponse<String>> request : inFlight) {
                    HttpResponse<String> response = request.get(10, TimeUnit.SECONDS);
                    assertEquals(200, response.statusCode(), response.body());
                }
                assertEquals(0, jlb.awaitExit(Duration.ofSeconds(20)));
                assertTrue(
                        jlb.stderr().stream().anyMatch(line -> line.contains("jlb stopped")),
                        jlb.stderr().toString());
                long checks = backends.get(0).healthChecks();
                await().during(Duration.ofMillis(600))
                        .until(() -> backends.get(0).healthChecks() == checks);
            }
        }
    }
}
