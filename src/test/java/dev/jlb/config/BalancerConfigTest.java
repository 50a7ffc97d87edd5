package dev.jlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BalancerConfigTest {
    private final Map<String, String> options = new HashMap<>();
    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();
    private final Map<String, String> initParams = new HashMap<>();

    private BalancerConfig resolve() throws ConfigException {
        return BalancerConfig.resolve(new ConfigSources(options, properties::get, environment::get, initParams::get));
    }

    private String failure() {
        return assertThrows(ConfigException.class, this::resolve).getMessage();
    }

    @Test
    void builtInDefaults() throws ConfigException {
        BalancerConfig config = resolve();
        assertEquals(
                List.of(
                        new BackendSpec(new BackendAddress("127.0.0.1", 3001), 1),
                        new BackendSpec(new BackendAddress("127.0.0.1", 3002), 1),
                        new BackendSpec(new BackendAddress("127.0.0.1", 3003), 1)),
                config.backends());
        assertEquals(AlgorithmName.ROUND_ROBIN, config.algorithm());
        assertEquals(
                new HealthCheckPolicy(
                        Duration.ofSeconds(30), "/health", Duration.ofSeconds(2), 2, 2, StatusRanges.parse("200-299")),
                config.healthChecks());
        assertEquals(new EjectionPolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(5)), config.ejection());
        assertEquals(new RetryPolicy(2, 65536), config.retry());
        assertEquals(Duration.ofSeconds(30), config.backendTimeout());
        assertEquals(Duration.ofSeconds(2), config.connectTimeout());
        assertEquals(-1, config.maxRequestBodySize());
        assertEquals(Duration.ofSeconds(30), config.shutdownGrace());
        assertEquals("jlb", config.forwardedBy());
    }

    @Test
    void theStateFileIsOffByDefaultAndMustGoInAWritableDirectory(@TempDir Path directory) throws ConfigException {
        assertNull(resolve().stateFile());
        environment.put("JLB_STATE_FILE", directory.resolve("state.json").toString());
        assertEquals(directory.resolve("state.json"), resolve().stateFile());
        environment.put(
                "JLB_STATE_FILE", directory.resolve("missing/state.json").toString());
        assertTrue(failure().startsWith("environment variable JLB_STATE_FILE: cannot write '" + directory), failure());
        options.put("stateFile", directory.toString());
        assertTrue(failure().startsWith("--state-file: '" + directory + "' is a directory"), failure());
    }

    @Test
    void precedenceIsOptionThenSystemPropertyThenEnvironmentThenInitParam() throws ConfigException {
        initParams.put("algorithm", "random");
        assertEquals(AlgorithmName.RANDOM, resolve().algorithm());
        environment.put("JLB_ALGORITHM", "least_connections");
        assertEquals(AlgorithmName.LEAST_CONNECTIONS, resolve().algorithm());
        properties.put("jlb.algorithm", "weighted_round_robin");
        assertEquals(AlgorithmName.WEIGHTED_ROUND_ROBIN, resolve().algorithm());
        options.put("algorithm", "round_robin");
        assertEquals(AlgorithmName.ROUND_ROBIN, resolve().algorithm());
    }

    @Test
    void environmentVariablesAreUpperSnakeCase() throws ConfigException {
        environment.put("JLB_HEALTH_CHECK_INTERVAL", "0.25");
        environment.put("JLB_FORWARDED_BY", "edge-1");
        BalancerConfig config = resolve();
        assertEquals(Duration.ofMillis(250), config.healthChecks().interval());
        assertEquals("edge-1", config.forwardedBy());
    }

    @Test
    void weightsComeFromTheBackendList() throws ConfigException {
        initParams.put("backends", " 10.0.0.1:80=5, backend.internal:8080 ,[::1]:9000=2 ");
        assertEquals(
                List.of(
                        new BackendSpec(new BackendAddress("10.0.0.1", 80), 5),
                        new BackendSpec(new BackendAddress("backend.internal", 8080), 1),
                        new BackendSpec(new BackendAddress("[::1]", 9000), 2)),
                resolve().backends());
    }

    @Test
    void routesComeFromTheBackendListAndOthersAreDerivedFromTheAddressAlone() throws ConfigException {
        initParams.put("backends", "10.0.0.1:80=5@node-1,10.0.0.2:80@node_2,10.0.0.3:80");
        List<BackendSpec> backends = resolve().backends();
        assertEquals(new BackendSpec(new BackendAddress("10.0.0.1", 80), 5, "node-1"), backends.get(0));
        assertEquals("node_2", backends.get(1).routeId());
        // The first 12 hex digits of SHA-256("10.0.0.3:80"): the same on every instance, and not the address.
        assertEquals("2476ce61a6f9", backends.get(2).routeId());
        assertEquals(backends.get(2).routeId(), new BackendSpec(new BackendAddress("10.0.0.3", 80), 7).routeId());
    }

    @Test
    void balancingDefaultsAreNoStickinessClientIpKeyABoundOf125AndNoSlowStart() throws ConfigException {
        BalancingPolicy balancing = resolve().balancing();
        assertEquals(StickyMode.NONE, balancing.sticky());
        assertEquals("JLB_ROUTE", balancing.stickyCookie());
        assertEquals(new HashKey(HashKey.Source.CLIENT_IP, null), balancing.hashKey());
        assertEquals(125, balancing.hashBalanceFactor());
        assertEquals(Duration.ZERO, balancing.slowStart());
    }

    @Test
    void balancingSettingsAreParsed() throws ConfigException {
        options.put("sticky", "jsessionid");
        options.put("stickyCookie", "LB");
        options.put("hashKey", "header:X-User");
        options.put("hashBalanceFactor", "0");
        options.put("slowStart", "12.5");
        BalancingPolicy balancing = resolve().balancing();
        assertEquals(StickyMode.JSESSIONID, balancing.sticky());
        assertEquals("LB", balancing.stickyCookie());
        assertEquals(new HashKey(HashKey.Source.HEADER, "X-User"), balancing.hashKey());
        assertEquals(0, balancing.hashBalanceFactor());
        assertEquals(Duration.ofMillis(12_500), balancing.slowStart());
        for (String key : List.of("client_ip", "path", "cookie:session", "query:user")) {
            assertEquals(key, HashKey.parse(key).toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "algorithm|fastest|--algorithm: unknown algorithm 'fastest'; valid names: round_robin, least_connections, random, weighted_round_robin, least_request, peak_ewma, consistent_hash",
                "backends|''|--backends: the backend list is empty; give at least one HOST:PORT",
                "backends|localhost|--backends: 'localhost' is not HOST:PORT (expected HOST:PORT[=WEIGHT][@ROUTE])",
                "backends|a:1,,b:2|--backends: empty entry in backend list 'a:1,,b:2'",
                "backends|a:70000|--backends: 'a:70000' has no valid port (1-65535) (expected HOST:PORT[=WEIGHT][@ROUTE])",
                "backends|a:80=0|--backends: weight '0' of 'a:80=0' is not a positive integer from 1 to 1000",
                "backends|a:80=1.5|--backends: weight '1.5' of 'a:80=1.5' is not a positive integer from 1 to 1000",
                "backends|a:80=-2|--backends: weight '-2' of 'a:80=-2' is not a positive integer from 1 to 1000",
                "backends|a:80,a:80=2|--backends: backend a:80 is listed twice",
                "backends|bad_host:80|--backends: 'bad_host:80' is not HOST:PORT (bad host 'bad_host') (expected HOST:PORT[=WEIGHT][@ROUTE])",
                "healthCheckInterval|0|--health-check-interval: '0' is not a positive number of seconds",
                "healthCheckInterval|-5|--health-check-interval: '-5' is not a positive number of seconds",
                "healthCheckInterval|soon|--health-check-interval: 'soon' is not a positive number of seconds",
                "healthCheckTimeout|0.0001|--health-check-timeout: '0.0001' seconds is shorter than one millisecond",
                "backendTimeout|99999999|--backend-timeout: '99999999' seconds is more than the maximum of 2592000",
                "healthCheckPath|health|--health-check-path: 'health' is not a path starting with '/'",
                "forwardedBy|''|--forwarded-by: the value is empty",
                "healthCheckRise|0|--health-check-rise: '0' is not an integer from 1 to 100",
                "healthCheckFall|two|--health-check-fall: 'two' is not an integer from 1 to 100",
                "healthCheckStatus|2xx|--health-check-status: '2xx' is not a list of HTTP statuses and ranges (100-599), such as 200-299 or 200,204",
                "healthCheckStatus|299-200|--health-check-status: range '299-200' in '299-200' runs backwards",
                "retries|-1|--retries: '-1' is not an integer from 0 to 10",
                "retryBufferSize|lots|--retry-buffer-size: 'lots' is not a size in bytes (such as 65536, 64KiB, 10MiB or unlimited)",
                "retryBufferSize|unlimited|--retry-buffer-size: 'unlimited' is not a size from 0 to 16777216 bytes",
                "failuresBeforeEject|1.5|--failures-before-eject: '1.5' is not an integer from 0 to 1000",
                "ejectTime|0|--eject-time: '0' is not a positive number of seconds",
                "maxRequestBodySize|-5|--max-request-body-size: '-5' is not a size in bytes (such as 65536, 64KiB, 10MiB or unlimited)",
                "shutdownGrace|x|--shutdown-grace: 'x' is not a positive number of seconds",
                "backends|a:80@bad.route|--backends: route 'bad.route' of 'a:80@bad.route' is not 1-64 of A-Z, a-z, 0-9, _ and - (expected HOST:PORT[=WEIGHT][@ROUTE])",
                "backends|a:80@|--backends: route '' of 'a:80@' is not 1-64 of A-Z, a-z, 0-9, _ and - (expected HOST:PORT[=WEIGHT][@ROUTE])",
                "backends|a:80@n1,b:80=2@n1|--backends: backends a:80 and b:80 have the same route 'n1'; routes must be unique",
                "sticky|session|--sticky: unknown sticky mode 'session'; valid names: none, cookie, jsessionid",
                "stickyCookie|a b|--sticky-cookie: 'a b' is not a valid name (an RFC 9110 token: letters, digits and some punctuation, no spaces or separators)",
                "hashKey|ip|--hash-key: 'ip' is not a hash key: client_ip, header:NAME, cookie:NAME, query:NAME or path",
                "hashKey|header:|--hash-key: '' is not a valid name (an RFC 9110 token: letters, digits and some punctuation, no spaces or separators)",
                "hashBalanceFactor|99|--hash-balance-factor: '99' is not 0 (off) or a percentage from 100 to 1000",
                "hashBalanceFactor|1.5|--hash-balance-factor: '1.5' is not 0 (off) or a percentage from 100 to 1000",
                "slowStart|-1|--slow-start: '-1' is not a positive number of seconds",
                "slowStart|later|--slow-start: 'later' is not a number of seconds (0 or more)",
                "backends|dns:app.internal|--backends: 'dns:app.internal' is not dns:NAME:PORT[=WEIGHT]",
                "backends|dns:app..internal:80|--backends: 'dns:app..internal:80' has no valid DNS name (expected dns:NAME:PORT[=WEIGHT])",
                "backends|dns:app.internal:0|--backends: 'dns:app.internal:0' has no valid port (1-65535)",
                "backends|dns:app.internal:80=0|--backends: weight '0' of 'dns:app.internal:80=0' is not a positive integer from 1 to 1000",
                "backends|srv:|--backends: 'srv:' has no valid DNS name (expected srv:NAME)",
                "backends|srv:a,srv:a|--backends: srv:a is listed twice",
                "dnsServer|127.0.0.1|--dns-server: '127.0.0.1' is not HOST:PORT",
                "dnsRefresh|0|--dns-refresh: '0' is not a positive number of seconds",
            })
    void aBadValueIsNamedWithItsOption(String param, String value, String message) {
        options.put(param, value);
        assertEquals(message, failure());
    }

    @Test
    void dnsEntriesMixWithStaticBackends() throws ConfigException {
        options.put("backends", "10.0.0.1:80, dns:app.internal:8080=3, srv:_http._tcp.app.internal");
        BalancerConfig config = resolve();
        assertEquals(List.of(new BackendSpec(new BackendAddress("10.0.0.1", 80), 1)), config.backends());
        assertEquals(
                List.of(
                        new DnsTarget(DnsTarget.Kind.ADDRESS, "app.internal", 8080, 3),
                        new DnsTarget(DnsTarget.Kind.SRV, "_http._tcp.app.internal", 0, 1)),
                config.dns().targets());
        assertEquals("dns:app.internal:8080", config.dns().targets().get(0).source());
        assertEquals(
                "srv:_http._tcp.app.internal", config.dns().targets().get(1).source());
        assertEquals(BackendSpec.STATIC, config.backends().get(0).source());
        assertEquals("10.0.0.1:80, dns:app.internal:8080=3, srv:_http._tcp.app.internal", config.describeBackends());
    }

    @Test
    void dnsDefaultsAreTheSystemsResolverAndTenSeconds() throws ConfigException {
        options.put("backends", "dns:app.internal:8080");
        BalancerConfig config = resolve();
        assertEquals(List.of(), config.backends(), "DNS entries alone are a valid list");
        assertEquals(null, config.dns().server());
        assertEquals(Duration.ofSeconds(10), config.dns().refresh());
    }

    @Test
    void dnsSettingsAreParsed() throws ConfigException {
        options.put("dnsServer", "127.0.0.1:5353");
        environment.put("JLB_DNS_REFRESH", "2.5");
        BalancerConfig config = resolve();
        assertEquals("127.0.0.1", config.dns().server().getAddress().getHostAddress());
        assertEquals(5353, config.dns().server().getPort());
        assertEquals(Duration.ofMillis(2500), config.dns().refresh());
        options.put("dnsServer", "[::1]:53");
        assertEquals(53, resolve().dns().server().getPort());
        options.put("dnsServer", "localhost:5353");
        assertTrue(resolve().dns().server().getAddress().isLoopbackAddress(), "a name is looked up once, at start");
    }

    @Test
    void aBadValueIsNamedWithWhereItCameFrom() {
        environment.put("JLB_ALGORITHM", "fastest");
        assertTrue(failure().startsWith("environment variable JLB_ALGORITHM: unknown algorithm 'fastest'"), failure());
        properties.put("jlb.algorithm", "x");
        assertTrue(failure().startsWith("system property jlb.algorithm: unknown algorithm 'x'"), failure());
        environment.clear();
        properties.clear();
        initParams.put("healthCheckInterval", "never");
        assertEquals("init-param healthCheckInterval: 'never' is not a positive number of seconds", failure());
    }

    @Test
    void sizesTakeUnitsAndUnlimited() {
        assertEquals(65536, ValueParsers.bytes("64KiB"));
        assertEquals(10 * 1024 * 1024, ValueParsers.bytes("10MiB"));
        assertEquals(1024L * 1024 * 1024, ValueParsers.bytes("1GiB"));
        assertEquals(123, ValueParsers.bytes("123"));
        assertEquals(-1, ValueParsers.bytes("unlimited"));
    }

    @Test
    void statusRangesListCodesAndRanges() {
        StatusRanges ranges = StatusRanges.parse("200-299, 302,418");
        assertTrue(ranges.contains(200) && ranges.contains(299) && ranges.contains(302) && ranges.contains(418));
        assertTrue(!ranges.contains(300) && !ranges.contains(199) && !ranges.contains(500));
    }

    @Test
    void ejectionTimeDoublesUpToTheMaximum() {
        EjectionPolicy policy = new EjectionPolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(5));
        assertEquals(
                List.of(30L, 60L, 120L, 240L, 300L, 300L),
                java.util.stream.IntStream.rangeClosed(1, 6)
                        .mapToObj(n -> policy.ejectTimeFor(n).toSeconds())
                        .toList());
    }

    @Test
    void launcherOnlySettingsResolveIntoTheServerConfig() throws ConfigException {
        environment.put("JLB_CLIENT_TIMEOUT", "12.5");
        options.put("port", "9090");
        ServerConfig server =
                ServerConfig.resolve(new ConfigSources(options, properties::get, environment::get, initParams::get));
        assertEquals(new ServerConfig(9090, Duration.ofMillis(12500), 8192, Duration.ofSeconds(30), null), server);
    }

    @Test
    void fractionalSecondsAreMilliseconds() {
        assertEquals(Duration.ofMillis(1500), ValueParsers.seconds("1.5"));
        assertEquals(Duration.ofMillis(1), ValueParsers.seconds("0.001"));
    }
}
