package dev.jlb.launcher;

import dev.jlb.config.Setting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The launcher's options, in the order of its help. Each setting's option takes its name from
 * the setting (see {@link Setting#option()}); every value is taken as text and validated by the
 * same parsers as init-params, so that the messages are the same wherever a value comes from.
 */
final class LauncherOptions {
    static final String ACCESS_LOG = "--access-log";
    static final String DEMO = "--demo";
    static final String WAR = "--war";

    private record SettingOption(Setting setting, String shortName, String label, List<String> description) {
        SettingOption(Setting setting, String shortName, String label, String... description) {
            this(setting, shortName, label, List.of(description));
        }
    }

    private static final List<SettingOption> SETTINGS = List.of(
            new SettingOption(Setting.PORT, "-p", "<PORT>", "port to listen on [default: 8080]"),
            new SettingOption(
                    Setting.BACKENDS,
                    "-b",
                    "<LIST>",
                    "comma-separated HOST:PORT[=WEIGHT][@ROUTE]; ROUTE names the",
                    "backend for session routing; also dns:NAME:PORT[=WEIGHT]",
                    "(every A/AAAA address of NAME) and srv:NAME (every SRV",
                    "record: target and port, weight in proportion)",
                    "[default: 127.0.0.1:3001,127.0.0.1:3002,127.0.0.1:3003]"),
            new SettingOption(
                    Setting.ALGORITHM,
                    "-a",
                    "<NAME>",
                    "round_robin | least_connections | random |",
                    "weighted_round_robin | least_request | peak_ewma |",
                    "consistent_hash [default: round_robin]"),
            new SettingOption(Setting.HEALTH_CHECK_INTERVAL, null, "<SECONDS>", "[default: 30]"),
            new SettingOption(Setting.HEALTH_CHECK_PATH, null, "<PATH>", "[default: /health]"),
            new SettingOption(Setting.HEALTH_CHECK_TIMEOUT, null, "<SECONDS>", "[default: 2]"),
            new SettingOption(
                    Setting.BACKEND_TIMEOUT,
                    null,
                    "<SECONDS>",
                    "longest wait for a backend's response, or",
                    "between two of its chunks [default: 30]"),
            new SettingOption(
                    Setting.ADMIN_TOKEN,
                    null,
                    "<TOKEN>",
                    "enables /lb-admin, which then needs Authorization: Bearer <TOKEN>"),
            new SettingOption(
                    Setting.MONITOR_ALLOW,
                    null,
                    "<CIDRS>",
                    "client addresses allowed to the monitoring endpoints [default: all]"),
            new SettingOption(
                    Setting.HEALTH_CHECK_RISE,
                    null,
                    "<N>",
                    "passing checks in a row that bring a backend back [default: 2]"),
            new SettingOption(
                    Setting.HEALTH_CHECK_FALL,
                    null,
                    "<N>",
                    "failing checks in a row that take a backend out [default: 2]"),
            new SettingOption(
                    Setting.HEALTH_CHECK_STATUS,
                    null,
                    "<RANGES>",
                    "statuses that pass a health check [default: 200-299]"),
            new SettingOption(
                    Setting.CONNECT_TIMEOUT,
                    null,
                    "<SECONDS>",
                    "longest wait for a connection to a backend [default: 2]"),
            new SettingOption(
                    Setting.RETRIES, null, "<N>", "more backends to try when one cannot take a request [default: 2]"),
            new SettingOption(
                    Setting.RETRY_BUFFER_SIZE,
                    null,
                    "<BYTES>",
                    "request bodies up to this size can be retried [default: 65536]"),
            new SettingOption(
                    Setting.FAILURES_BEFORE_EJECT,
                    null,
                    "<N>",
                    "failed requests in a row that eject a backend, 0 for never [default: 5]"),
            new SettingOption(
                    Setting.EJECT_TIME,
                    null,
                    "<SECONDS>",
                    "first ejection time, doubled on each repeat up to 300 [default: 30]"),
            new SettingOption(
                    Setting.MAX_REQUEST_BODY_SIZE,
                    null,
                    "<BYTES>",
                    "larger request bodies get 413 [default: unlimited]"),
            new SettingOption(
                    Setting.MAX_REQUEST_HEADER_SIZE,
                    null,
                    "<BYTES>",
                    "larger request line plus headers get 414 or 431 [default: 8192]"),
            new SettingOption(
                    Setting.CLIENT_TIMEOUT,
                    null,
                    "<SECONDS>",
                    "idle time after which a client connection is closed [default: 30]"),
            new SettingOption(
                    Setting.SHUTDOWN_GRACE,
                    null,
                    "<SECONDS>",
                    "on SIGTERM, how long requests in flight may take [default: 30]"),
            new SettingOption(Setting.STICKY, null, "<MODE>", "none | cookie | jsessionid [default: none]"),
            new SettingOption(Setting.STICKY_COOKIE, null, "<NAME>", "jlb's own session cookie [default: JLB_ROUTE]"),
            new SettingOption(
                    Setting.HASH_KEY,
                    null,
                    "<KEY>",
                    "client_ip | header:NAME | cookie:NAME | query:NAME | path",
                    "[default: client_ip]"),
            new SettingOption(
                    Setting.HASH_BALANCE_FACTOR,
                    null,
                    "<PERCENT>",
                    "bound on a backend's load under consistent_hash, in %% of",
                    "the mean; 0 turns the bound off [default: 125]"),
            new SettingOption(
                    Setting.SLOW_START,
                    null,
                    "<SECONDS>",
                    "ramp-up of a backend that joins or returns; 0 is off",
                    "[default: 0]"),
            new SettingOption(
                    Setting.DNS_SERVER,
                    null,
                    "<HOST:PORT>",
                    "resolver asked for dns: and srv: backends",
                    "[default: the system's, from /etc/resolv.conf]"),
            new SettingOption(
                    Setting.DNS_REFRESH,
                    null,
                    "<SECONDS>",
                    "longest time between lookups; a shorter TTL is honoured",
                    "down to 1 s [default: 10]"),
            new SettingOption(
                    Setting.STATE_FILE,
                    null,
                    "<FILE>",
                    "where /lb-admin changes are kept across restarts",
                    "[default: none, they are forgotten]"),
            new SettingOption(Setting.TLS_CERT, null, "<FILE>", "PEM certificate chain, served with --tls-key"),
            new SettingOption(Setting.TLS_KEY, null, "<FILE>", "PEM private key (PKCS#8, PKCS#1 or SEC1; RSA or EC)"),
            new SettingOption(
                    Setting.TLS_KEYSTORE, null, "<FILE>", "PKCS#12 keystore, instead of --tls-cert/--tls-key"),
            new SettingOption(
                    Setting.TLS_KEYSTORE_PASSWORD, null, "<PASS>", "its password (also JLB_TLS_KEYSTORE_PASSWORD)"),
            new SettingOption(
                    Setting.TLS_PORT, null, "<PORT>", "HTTPS port, when a certificate is given [default: 8443]"),
            new SettingOption(
                    Setting.REDIRECT_HTTPS, null, null, "the plain port answers 308 to the same URL on HTTPS"),
            new SettingOption(
                    Setting.BACKEND_TRUST,
                    null,
                    "<FILE>",
                    "PEM bundle or PKCS#12 of CAs that https backends are",
                    "checked against [default: the JVM's trusted CAs]"),
            new SettingOption(
                    Setting.CONFIG_FILE,
                    null,
                    "<FILE>",
                    "a properties file of init-param names and values,",
                    "watched and applied when it changes (or on SIGHUP)"));

    private LauncherOptions() {}

    /** Adds every option to the command. */
    static void addTo(CommandSpec spec) {
        for (SettingOption option : SETTINGS) {
            String[] names = option.shortName() == null
                    ? new String[] {option.setting().option()}
                    : new String[] {option.shortName(), option.setting().option()};
            OptionSpec.Builder builder =
                    OptionSpec.builder(names).description(option.description().toArray(new String[0]));
            if (option.label() == null) {
                // A flag: given means true.
                builder.arity("0").type(boolean.class);
            } else {
                builder.paramLabel(option.label()).type(String.class);
            }
            spec.addOption(builder.build());
        }
        spec.addOption(OptionSpec.builder(ACCESS_LOG)
                .paramLabel("<FILE>")
                .description("append an NCSA access log to FILE [default: none]")
                .type(String.class)
                .build());
        spec.addOption(OptionSpec.builder(DEMO)
                .arity("0")
                .type(boolean.class)
                .description(
                        "also start three test backends in-process",
                        "on 3001-3003, in front of which the balancer runs")
                .build());
        spec.addOption(OptionSpec.builder(WAR)
                .paramLabel("<FILE>")
                .description("run this WAR instead of the embedded one")
                .type(String.class)
                .build());
    }

    /** The settings given on the command line, keyed by init-param name. */
    static Map<String, String> givenSettings(ParseResult parseResult) {
        Map<String, String> given = new LinkedHashMap<>();
        for (SettingOption option : SETTINGS) {
            String name = option.setting().option();
            if (parseResult.hasMatchedOption(name)) {
                given.put(
                        option.setting().param(),
                        option.label() == null ? "true" : parseResult.matchedOptionValue(name, ""));
            }
        }
        return given;
    }
}
