package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backends from a real DNS server (dnsmasq on 127.0.0.1) whose answers the test changes, in front
 * of real test servers on 127.0.0.2, 127.0.0.3 and 127.0.0.4 on one port, as the pods behind a
 * Kubernetes headless Service are.
 */
class DnsDiscoveryIT {
    private static final String NAME = "app.test";

    @TempDir
    Path scratch;

    private final List<TestServer> pods = new ArrayList<>();
    private int port;
    private Dnsmasq dns;
    private RunningBalancer balancer;

    @BeforeEach
    void startPods() throws Exception {
        TestServer first = new TestServer("127.0.0.2", 0).start();
        pods.add(first);
        port = first.port();
        pods.add(new TestServer("127.0.0.3", port).start());
        pods.add(new TestServer("127.0.0.4", port).start());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (balancer != null) {
            balancer.close();
        }
        if (dns != null) {
            dns.close();
        }
        for (TestServer pod : pods) {
            pod.close();
        }
    }

    private TestServer pod(int lastOctet) {
        return pods.get(lastOctet - 2);
    }

    private String entry() {
        return "dns:" + NAME + ":" + port;
    }

    private static Map<String, List<String>> records(String name, String... addresses) {
        return Map.of(name, List.of(addresses));
    }

    private RunningBalancer balancer(String backends, Map<String, String> more) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("backends", backends);
        options.put("dnsServer", dns.server());
        options.put("dnsRefresh", "1");
        options.putAll(more);
        return RunningBalancer.start(options);
    }

    private Optional<JsonObject> stats(String address) {
        return balancer.stats().getJsonArray("backends").stream()
                .map(JsonValue::asJsonObject)
                .filter(b -> b.getString("address").equals(address))
                .findFirst();
    }

    private boolean healthy(String address) {
        return stats(address).map(b -> b.getBoolean("healthy")).orElse(false);
    }

    private List<String> addresses() {
        return balancer.stats().getJsonArray("backends").stream()
                .map(b -> b.asJsonObject().getString("address"))
                .sorted()
                .toList();
    }

    private HttpResponse<String> get(String path) {
        return Http.get(balancer.uri(path));
    }

    /** Which backend served each of the requests, by X-Backend-Server; every answer must be a 200. */
    private Map<String, Integer> spread(int requests) {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response = get("/spread/" + i);
            assertEquals(200, response.statusCode(), response.body());
            served.merge(response.headers().firstValue("X-Backend-Server").orElseThrow(), 1, Integer::sum);
        }
        return served;
    }

    private double lookups(String result) throws Exception {
        Metrics metrics = Metrics.parse(get("/lb-metrics").body());
        return metrics.value("jlb_dns_lookups_total{name=\"" + NAME + "\",result=\"" + result + "\"}");
    }

    @Test
    void addressesInTheAnswerJoinAfterAHealthCheckAndThoseGoneDrainAndLeave() throws Exception {
        dns = Dnsmasq.start(scratch, records(NAME, "127.0.0.2", "127.0.0.3"), List.of());
        balancer = balancer(entry(), Map.of());
        String two = pod(2).name();
        String three = pod(3).name();
        String four = pod(4).name();
        await("both addresses healthy").atMost(Duration.ofSeconds(15)).until(() -> healthy(two) && healthy(three));
        assertEquals(List.of(two, three), addresses());
        assertEquals(entry(), stats(two).orElseThrow().getString("source"));
        assertEquals(Map.of(two, 10, three, 10), spread(20));

        // An address with nothing listening joins the pool but never takes a request.
        dns.hosts(records(NAME, "127.0.0.2", "127.0.0.3", "127.0.0.5"));
        String nobody = "127.0.0.5:" + port;
        await("127.0.0.5 in /lb-stats")
                .atMost(Duration.ofSeconds(10))
                .until(() -> stats(nobody).isPresent());
        await("its first health check")
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        stats(nobody).orElseThrow().get("last_health_check").getValueType()
                                != JsonValue.ValueType.NULL);
        assertFalse(healthy(nobody));
        assertEquals(Map.of(two, 10, three, 10), spread(20), "no request for an address that fails its check");

        // A new pod: the time from the DNS change to the first request it serves.
        long changed = System.nanoTime();
        dns.hosts(records(NAME, "127.0.0.2", "127.0.0.3", "127.0.0.4"));
        AtomicReference<Long> firstServed = new AtomicReference<>();
        await("a request served by " + four)
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    HttpResponse<String> response = get("/new");
                    assertEquals(200, response.statusCode());
                    if (four.equals(
                            response.headers().firstValue("X-Backend-Server").orElse(""))) {
                        firstServed.set(System.nanoTime());
                        return true;
                    }
                    return false;
                });
        long millis = TimeUnit.NANOSECONDS.toMillis(firstServed.get() - changed);
        System.out.printf(
                "DNS change to the first request served by the new address: %d ms (dnsRefresh 1, TTL 1 s,"
                        + " healthCheckInterval 0.2 s)%n",
                millis);
        assertTrue(millis < 5000, millis + " ms");
        await("127.0.0.5 gone")
                .atMost(Duration.ofSeconds(10))
                .until(() -> stats(nobody).isEmpty());

        // 127.0.0.3 leaves the answer while a request to it is in flight: that request completes.
        pod(3).delayEveryRequest(3000);
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            slow.add(Http.CLIENT.sendAsync(
                    HttpRequest.newBuilder(balancer.uri("/slow/" + i))
                            .timeout(Http.TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await("a request in flight to " + three)
                .atMost(Duration.ofSeconds(10))
                .until(() -> stats(three).orElseThrow().getInt("connections") > 0);
        long servedByThree = pod(3).requests();
        dns.hosts(records(NAME, "127.0.0.2", "127.0.0.4"));
        await(three + " draining")
                .atMost(Duration.ofSeconds(10))
                .until(() -> stats(three)
                        .map(b -> b.getString("state").equals("draining"))
                        .orElse(false));
        Map<String, Integer> meanwhile = spread(10);
        assertEquals(Map.of(two, 5, four, 5), meanwhile, "no new request for a draining backend");
        for (CompletableFuture<HttpResponse<String>> request : slow) {
            HttpResponse<String> response = request.get(20, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
        }
        await(three + " gone once its request ended")
                .atMost(Duration.ofSeconds(10))
                .until(() -> stats(three).isEmpty());
        assertEquals(List.of(two, four), addresses());
        assertEquals(servedByThree, pod(3).requests());
    }

    @Test
    void aDnsServerThatStopsOrAnswersNothingKeepsTheLastGoodSet() throws Exception {
        dns = Dnsmasq.start(scratch, records(NAME, "127.0.0.2", "127.0.0.3"), List.of());
        balancer = balancer(entry(), Map.of());
        String two = pod(2).name();
        String three = pod(3).name();
        await("both addresses healthy").atMost(Duration.ofSeconds(15)).until(() -> healthy(two) && healthy(three));
        assertTrue(lookups("ok") >= 1);
        assertEquals(0.0, lookups("error"));

        dns.stop();
        await("failed lookups counted").atMost(Duration.ofSeconds(15)).until(() -> lookups("error") >= 3);
        assertEquals(List.of(two, three), addresses());
        assertEquals(Map.of(two, 5, three, 5), spread(10));

        // Back, but without the name: NXDOMAIN, an empty answer, is not "no backends" either.
        dns.hosts(Map.of("other.test", List.of("127.0.0.9")));
        dns.run();
        double errors = lookups("error");
        await("empty answers counted as errors")
                .atMost(Duration.ofSeconds(15))
                .until(() -> lookups("error") >= errors + 2);
        assertEquals(List.of(two, three), addresses());
        assertEquals(Map.of(two, 5, three, 5), spread(10));

        double ok = lookups("ok");
        dns.hosts(records(NAME, "127.0.0.2"));
        await(three + " gone once DNS answers without it")
                .atMost(Duration.ofSeconds(15))
                .until(() -> addresses().equals(List.of(two)));
        assertTrue(lookups("ok") > ok);
        assertEquals(Map.of(two, 10), spread(10));
    }

    @Test
    void srvWeightsShapeTheTrafficBesideStaticAndAdminBackends() throws Exception {
        String srv = "_http._tcp." + NAME;
        dns = Dnsmasq.start(
                scratch,
                Map.of("a." + NAME, List.of("127.0.0.2"), "b." + NAME, List.of("127.0.0.3")),
                List.of(srv + ",a." + NAME + "," + port + ",0,3", srv + ",b." + NAME + "," + port + ",0,1"));
        try (TestServer fixed = new TestServer("127.0.0.1", 0).start()) {
            balancer = balancer(
                    fixed.name() + ",srv:" + srv, Map.of("algorithm", "weighted_round_robin", "adminToken", "secret"));
            String two = pod(2).name();
            String three = pod(3).name();
            await("the SRV targets healthy").atMost(Duration.ofSeconds(15)).until(() -> healthy(two) && healthy(three));
            new Admin(balancer, "secret").post("/backends", "{\"address\": \"" + pod(4).name() + "\"}");
            await("the admin's backend healthy").atMost(Duration.ofSeconds(15)).until(() -> healthy(pod(4).name()));

            assertEquals("static", stats(fixed.name()).orElseThrow().getString("source"));
            assertEquals("srv:" + srv, stats(two).orElseThrow().getString("source"));
            assertEquals("srv:" + srv, stats(three).orElseThrow().getString("source"));
            assertEquals("admin", stats(pod(4).name()).orElseThrow().getString("source"));
            assertEquals(3, stats(two).orElseThrow().getInt("weight"));
            assertEquals(1, stats(three).orElseThrow().getInt("weight"));
            JsonObject adminView = RunningBalancer.json(
                    new Admin(balancer, "secret").get("/backends").body());
            assertTrue(adminView.toString().contains("\"source\":\"srv:" + srv + "\""), adminView.toString());

            // Smooth weighted round robin: 3, 1, 1, 1 in every cycle of 6.
            assertEquals(Map.of(two, 30, three, 10, fixed.name(), 10, pod(4).name(), 10), spread(60));
        }
    }

    /** A reloaded configFile with other DNS entries: the old lookups stop, the new ones start. */
    @Test
    void aReloadThatChangesTheDnsEntriesLooksTheNewOnesUp() throws Exception {
        dns = Dnsmasq.start(scratch, Map.of(NAME, List.of("127.0.0.2"), "other.test", List.of("127.0.0.3")), List.of());
        Path configFile = scratch.resolve("jlb.properties");
        writeAtomically(configFile, "backends=" + entry() + "\n");
        balancer = RunningBalancer.start(
                Map.of("configFile", configFile.toString(), "dnsServer", dns.server(), "dnsRefresh", "1"));
        String two = pod(2).name();
        String three = pod(3).name();
        await(two + " healthy").atMost(Duration.ofSeconds(15)).until(() -> healthy(two));

        writeAtomically(configFile, "backends=dns:other.test:" + port + "\n");

        await("only " + three + ", healthy")
                .atMost(Duration.ofSeconds(20))
                .until(() -> addresses().equals(List.of(three)) && healthy(three));
        assertEquals("dns:other.test:" + port, stats(three).orElseThrow().getString("source"));
        assertEquals(Map.of(three, 4), spread(4));
        double before = Metrics.parse(get("/lb-metrics").body())
                .value("jlb_dns_lookups_total{name=\"other.test\",result=\"ok\"}");
        await("other.test looked up again and again")
                .atMost(Duration.ofSeconds(10))
                .until(() -> Metrics.parse(get("/lb-metrics").body())
                                .value("jlb_dns_lookups_total{name=\"other.test\",result=\"ok\"}")
                        >= before + 2);
    }

    private static void writeAtomically(Path file, String content) throws java.io.IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        java.nio.file.Files.writeString(temporary, content);
        java.nio.file.Files.move(
                temporary,
                file,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void withTheDefaultsANewAddressTakesTrafficWithinDnsRefresh() throws Exception {
        // A long TTL: the next lookup is due after dnsRefresh (10 s), not the TTL.
        dns = Dnsmasq.start(scratch, records(NAME, "127.0.0.2"), List.of(), 300);
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("backends", entry());
        defaults.put("dnsServer", dns.server());
        defaults.put("healthCheckInterval", "30");
        defaults.put("healthCheckTimeout", "2");
        balancer = RunningBalancer.start(defaults);
        String two = pod(2).name();
        String three = pod(3).name();
        await(two + " healthy").atMost(Duration.ofSeconds(15)).until(() -> healthy(two));

        long changed = System.nanoTime();
        dns.hosts(records(NAME, "127.0.0.2", "127.0.0.3"));
        await("a request served by " + three)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> three.equals(
                        get("/new").headers().firstValue("X-Backend-Server").orElse("")));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
        System.out.printf(
                "DNS change to the first request served by the new address: %d ms (defaults: dnsRefresh 10,"
                        + " healthCheckInterval 30; TTL 300 s)%n",
                millis);
        assertTrue(millis < 12_000, millis + " ms");
    }
}
