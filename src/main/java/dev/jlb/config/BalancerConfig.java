package dev.jlb.config;

import dev.jlb.algorithm.AlgorithmType;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The balancer's configuration, resolved and validated once at start-up.
 *
 * @param backends            the backends, in the order given
 * @param algorithm           how a backend is chosen
 * @param healthCheckInterval time between two health checks of a backend
 * @param healthCheckPath     path of the health check request
 * @param healthCheckTimeout  longest wait for a health check's answer
 * @param backendTimeout      longest wait for a backend's response, or between two of its chunks
 * @param connectTimeout      longest wait for a connection to a backend
 * @param forwardedBy         value of the {@code X-Forwarded-By} header
 */
public record BalancerConfig(
    List<BackendSpec> backends,
    AlgorithmType algorithm,
    Duration healthCheckInterval,
    String healthCheckPath,
    Duration healthCheckTimeout,
    Duration backendTimeout,
    Duration connectTimeout,
    String forwardedBy) {

    public BalancerConfig {
        backends = List.copyOf(backends);
    }

    /**
     * Resolves every setting from the sources, in their precedence.
     *
     * @throws ConfigException naming the first bad value and where it came from
     */
    public static BalancerConfig resolve(ConfigSources sources) throws ConfigException {
        return new BalancerConfig(
            parse(sources, Setting.BACKENDS, ValueParsers::backends),
            parse(sources, Setting.ALGORITHM, AlgorithmType::fromName),
            parse(sources, Setting.HEALTH_CHECK_INTERVAL, ValueParsers::seconds),
            parse(sources, Setting.HEALTH_CHECK_PATH, ValueParsers::requestPath),
            parse(sources, Setting.HEALTH_CHECK_TIMEOUT, ValueParsers::seconds),
            parse(sources, Setting.BACKEND_TIMEOUT, ValueParsers::seconds),
            parse(sources, Setting.CONNECT_TIMEOUT, ValueParsers::seconds),
            parse(sources, Setting.FORWARDED_BY, ValueParsers::headerValue));
    }

    /**
     * Parses one setting from its sources.
     *
     * @throws ConfigException naming where the bad value came from
     */
    public static <T> T parse(ConfigSources sources, Setting setting, Function<String, T> parser)
        throws ConfigException {
        RawValue raw = sources.lookup(setting);
        try {
            return parser.apply(raw.value());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(raw.source(), e.getMessage());
        }
    }

    /** The backends as {@code HOST:PORT[=WEIGHT]}, comma-separated, for logs. */
    public String describeBackends() {
        return backends.stream()
            .map(b -> b.weight() == 1 ? b.address().toString() : b.address() + "=" + b.weight())
            .collect(Collectors.joining(", "));
    }
}
