package dev.jlb.config;

import dev.jlb.algorithm.AlgorithmType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(List.of(
            new BackendSpec(new BackendAddress("127.0.0.1", 3001), 1),
            new BackendSpec(new BackendAddress("127.0.0.1", 3002), 1),
            new BackendSpec(new BackendAddress("127.0.0.1", 3003), 1)), config.backends());
        assertEquals(AlgorithmType.ROUND_ROBIN, config.algorithm());
        assertEquals(Duration.ofSeconds(30), config.healthCheckInterval());
        assertEquals("/health", config.healthCheckPath());
        assertEquals(Duration.ofSeconds(2), config.healthCheckTimeout());
        assertEquals(Duration.ofSeconds(30), config.backendTimeout());
        assertEquals(Duration.ofSeconds(2), config.connectTimeout());
        assertEquals("jlb", config.forwardedBy());
    }

    @Test
    void precedenceIsOptionThenSystemPropertyThenEnvironmentThenInitParam() throws ConfigException {
        initParams.put("algorithm", "random");
        assertEquals(AlgorithmType.RANDOM, resolve().algorithm());
        environment.put("JLB_ALGORITHM", "least_connections");
        assertEquals(AlgorithmType.LEAST_CONNECTIONS, resolve().algorithm());
        properties.put("jlb.algorithm", "weighted_round_robin");
        assertEquals(AlgorithmType.WEIGHTED_ROUND_ROBIN, resolve().algorithm());
        options.put("algorithm", "round_robin");
        assertEquals(AlgorithmType.ROUND_ROBIN, resolve().algorithm());
    }

    @Test
    void environmentVariablesAreUpperSnakeCase() throws ConfigException {
        environment.put("JLB_HEALTH_CHECK_INTERVAL", "0.25");
        environment.put("JLB_FORWARDED_BY", "edge-1");
        BalancerConfig config = resolve();
        assertEquals(Duration.ofMillis(250), config.healthCheckInterval());
        assertEquals("edge-1", config.forwardedBy());
    }

    @Test
    void weightsComeFromTheBackendList() throws ConfigException {
        initParams.put("backends", " 10.0.0.1:80=5, backend.internal:8080 ,[::1]:9000=2 ");
        assertEquals(List.of(
            new BackendSpec(new BackendAddress("10.0.0.1", 80), 5),
            new BackendSpec(new BackendAddress("backend.internal", 8080), 1),
            new BackendSpec(new BackendAddress("[::1]", 9000), 2)), resolve().backends());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "algorithm|fastest|--algorithm: unknown algorithm 'fastest'; valid names: round_robin, least_connections, random, weighted_round_robin",
        "backends|''|--backends: the backend list is empty; give at least one HOST:PORT",
        "backends|localhost|--backends: 'localhost' is not HOST:PORT (expected HOST:PORT[=WEIGHT])",
        "backends|a:1,,b:2|--backends: empty entry in backend list 'a:1,,b:2'",
        "backends|a:70000|--backends: 'a:70000' has no valid port (1-65535) (expected HOST:PORT[=WEIGHT])",
        "backends|a:80=0|--backends: weight '0' of 'a:80=0' is not a positive integer from 1 to 1000",
        "backends|a:80=1.5|--backends: weight '1.5' of 'a:80=1.5' is not a positive integer from 1 to 1000",
        "backends|a:80=-2|--backends: weight '-2' of 'a:80=-2' is not a positive integer from 1 to 1000",
        "backends|a:80,a:80=2|--backends: backend a:80 is listed twice",
        "backends|bad_host:80|--backends: 'bad_host:80' is not HOST:PORT (bad host 'bad_host') (expected HOST:PORT[=WEIGHT])",
        "healthCheckInterval|0|--health-check-interval: '0' is not a positive number of seconds",
        "healthCheckInterval|-5|--health-check-interval: '-5' is not a positive number of seconds",
        "healthCheckInterval|soon|--health-check-interval: 'soon' is not a positive number of seconds",
        "healthCheckTimeout|0.0001|--health-check-timeout: '0.0001' seconds is shorter than one millisecond",
        "backendTimeout|99999999|--backend-timeout: '99999999' seconds is more than the maximum of 2592000",
        "healthCheckPath|health|--health-check-path: 'health' is not a path starting with '/'",
        "forwardedBy|''|--forwarded-by: the value is empty",
    })
    void aBadValueIsNamedWithItsOption(String param, String value, String message) {
        options.put(param, value);
        assertEquals(message, failure());
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
    void fractionalSecondsAreMilliseconds() {
        assertEquals(Duration.ofMillis(1500), ValueParsers.seconds("1.5"));
        assertEquals(Duration.ofMillis(1), ValueParsers.seconds("0.001"));
    }
}
