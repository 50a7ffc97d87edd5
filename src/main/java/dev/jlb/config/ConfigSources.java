package dev.jlb.config;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Looks a setting up in every place it can be given, highest precedence first: launcher
 * option, system property, environment variable, init-param, built-in default.
 */
public final class ConfigSources {
    private final Map<String, String> options;
    private final UnaryOperator<String> systemProperties;
    private final UnaryOperator<String> environment;
    private final UnaryOperator<String> initParams;

    /**
     * @param options          launcher options that were given, keyed by init-param name
     * @param systemProperties system property lookup
     * @param environment      environment variable lookup
     * @param initParams       init-param lookup (context init-params of the webapp)
     */
    public ConfigSources(
            Map<String, String> options,
            UnaryOperator<String> systemProperties,
            UnaryOperator<String> environment,
            UnaryOperator<String> initParams) {
        this.options = Map.copyOf(options);
        this.systemProperties = Objects.requireNonNull(systemProperties);
        this.environment = Objects.requireNonNull(environment);
        this.initParams = Objects.requireNonNull(initParams);
    }

    /** The sources of this process (system properties and environment), with the given options and init-params. */
    public static ConfigSources ofProcess(Map<String, String> options, UnaryOperator<String> initParams) {
        return new ConfigSources(options, System::getProperty, System::getenv, initParams);
    }

    public RawValue lookup(Setting setting) {
        String value = options.get(setting.param());
        if (value != null) {
            return new RawValue(value.strip(), setting.option());
        }
        value = systemProperties.apply(setting.systemProperty());
        if (value != null) {
            return new RawValue(value.strip(), "system property " + setting.systemProperty());
        }
        value = environment.apply(setting.environmentVariable());
        if (value != null) {
            return new RawValue(value.strip(), "environment variable " + setting.environmentVariable());
        }
        value = initParams.apply(setting.param());
        if (value != null) {
            return new RawValue(value.strip(), "init-param " + setting.param());
        }
        return new RawValue(setting.defaultValue(), "default of " + setting.param());
    }
}
