package dev.jlb.config;

import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The balancer's configuration, resolved and validated once at start-up.
 *
 * @param backends           the backends listed as {@code HOST:PORT}, in the order given
 * @param dns                the backends found in DNS, and how
 * @param algorithm          how a backend is chosen
 * @param healthChecks       active health checking
 * @param ejection           passive health checking (outlier detection)
 * @param retry              retries on another backend
 * @param backendTimeout     longest wait for a backend's response, or between two of its chunks
 * @param connectTimeout     longest wait for a connection to a backend
 * @param maxRequestBodySize largest request body accepted, in bytes; -1 for no limit
 * @param shutdownGrace      how long requests in flight may take to finish at shutdown
 * @param forwardedBy        value of the {@code X-Forwarded-By} header
 * @param adminToken         the bearer token of /lb-admin; empty when /lb-admin is off
 * @param monitorAllow       the client addresses allowed to the monitoring endpoints
 * @param balancing          sticky sessions, consistent hashing's key and bound, slow start
 * @param backendTrust       the CAs that https backends are checked against, or {@code null} for the JVM's
 * @param websocketTimeout   how long a joined WebSocket may be silent both ways before it is closed
 * @param stateFile          where /lb-admin changes are kept across restarts, or {@code null} when they are not
 */
public record BalancerConfig(
        List<BackendSpec> backends,
        DnsSettings dns,
        AlgorithmName algorithm,
        HealthCheckPolicy healthChecks,
        EjectionPolicy ejection,
        RetryPolicy retry,
        Duration backendTimeout,
        Duration connectTimeout,
        long maxRequestBodySize,
        Duration shutdownGrace,
        String forwardedBy,
        String adminToken,
        AddressRanges monitorAllow,
        BalancingPolicy balancing,
        KeyStore backendTrust,
        Duration websocketTimeout,
        Path stateFile) {

    public BalancerConfig {
        backends = List.copyOf(backends);
    }

    /** Never prints the admin token. */
    @Override
    public String toString() {
        return "BalancerConfig[algorithm=" + algorithm.configName() + ", backends=" + describeBackends() + "]";
    }

    /**
     * Resolves every setting from the sources, in their precedence.
     *
     * @throws ConfigException naming the first bad value and where it came from
     */
    public static BalancerConfig resolve(ConfigSources sources) throws ConfigException {
        HealthCheckPolicy healthChecks = new HealthCheckPolicy(
                parse(sources, Setting.HEALTH_CHECK_INTERVAL, ValueParsers::seconds),
                parse(sources, Setting.HEALTH_CHECK_PATH, ValueParsers::requestPath),
                parse(sources, Setting.HEALTH_CHECK_TIMEOUT, ValueParsers::seconds),
                parse(sources, Setting.HEALTH_CHECK_RISE, text -> ValueParsers.integer(text, 1, 100)),
                parse(sources, Setting.HEALTH_CHECK_FALL, text -> ValueParsers.integer(text, 1, 100)),
                parse(sources, Setting.HEALTH_CHECK_STATUS, StatusRanges::parse));
        Duration ejectTime = parse(sources, Setting.EJECT_TIME, ValueParsers::seconds);
        EjectionPolicy ejection = new EjectionPolicy(
                parse(sources, Setting.FAILURES_BEFORE_EJECT, text -> ValueParsers.integer(text, 0, 1000)),
                ejectTime,
                ejectTime.compareTo(EjectionPolicy.MAX_EJECT_TIME) > 0 ? ejectTime : EjectionPolicy.MAX_EJECT_TIME);
        RetryPolicy retry =
                new RetryPolicy(parse(sources, Setting.RETRIES, text -> ValueParsers.integer(text, 0, 10)), (int)
                        parse(sources, Setting.RETRY_BUFFER_SIZE, text -> boundedBytes(text, 16 * 1024 * 1024))
                                .longValue());
        BackendEntries entries = parse(sources, Setting.BACKENDS, BackendEntries::parse);
        DnsSettings dns = new DnsSettings(
                entries.targets(),
                parse(sources, Setting.DNS_SERVER, DnsSettings::server),
                parse(sources, Setting.DNS_REFRESH, ValueParsers::seconds));
        return new BalancerConfig(
                entries.statics(),
                dns,
                parse(sources, Setting.ALGORITHM, AlgorithmName::fromName),
                healthChecks,
                ejection,
                retry,
                parse(sources, Setting.BACKEND_TIMEOUT, ValueParsers::seconds),
                parse(sources, Setting.CONNECT_TIMEOUT, ValueParsers::seconds),
                parse(sources, Setting.MAX_REQUEST_BODY_SIZE, ValueParsers::bytes),
                parse(sources, Setting.SHUTDOWN_GRACE, ValueParsers::seconds),
                parse(sources, Setting.FORWARDED_BY, ValueParsers::headerValue),
                parse(sources, Setting.ADMIN_TOKEN, ValueParsers::token),
                parse(sources, Setting.MONITOR_ALLOW, AddressRanges::parse),
                new BalancingPolicy(
                        parse(sources, Setting.STICKY, StickyMode::fromName),
                        parse(sources, Setting.STICKY_COOKIE, ValueParsers::tokenName),
                        parse(sources, Setting.HASH_KEY, HashKey::parse),
                        parse(sources, Setting.HASH_BALANCE_FACTOR, ValueParsers::balanceFactor),
                        parse(sources, Setting.SLOW_START, ValueParsers::secondsOrZero)),
                parse(sources, Setting.BACKEND_TRUST, TrustBundles::read),
                parse(sources, Setting.WEBSOCKET_TIMEOUT, ValueParsers::seconds),
                parse(sources, Setting.STATE_FILE, ValueParsers::stateFile));
    }

    private static Long boundedBytes(String text, long max) {
        long bytes = ValueParsers.bytes(text);
        if (bytes < 0 || bytes > max) {
            throw new IllegalArgumentException("'" + text + "' is not a size from 0 to " + max + " bytes");
        }
        return bytes;
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

    /** Whether /lb-admin is on. */
    public boolean adminEnabled() {
        return !adminToken.isEmpty();
    }

    /**
     * The backends as {@code HOST:PORT[=WEIGHT][@ROUTE]}, then the DNS entries, comma-separated,
     * for logs.
     */
    public String describeBackends() {
        return Stream.concat(
                        backends.stream()
                                .map(b -> (b.tls() ? "https://" : "")
                                        + b.address()
                                        + (b.weight() == 1 ? "" : "=" + b.weight())
                                        + (b.route() == null ? "" : "@" + b.route())),
                        dns.targets().stream().map(DnsTarget::describe))
                .collect(Collectors.joining(", "));
    }
}
