package dev.jlb.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Looks a setting up in every place it can be given, highest precedence first: launcher
 * option, system property, environment variable, {@code configFile}, init-param, built-in
 * default.
 */
public final class ConfigSources {
    private final Map<String, String> options;
    private final UnaryOperator<String> systemProperties;
    private final UnaryOperator<String> environment;
    private final ConfigFile file;
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
        this(Map.copyOf(options), systemProperties, environment, null, initParams);
    }

    private ConfigSources(
            Map<String, String> options,
            UnaryOperator<String> systemProperties,
            UnaryOperator<String> environment,
            ConfigFile file,
            UnaryOperator<String> initParams) {
        this.options = options;
        this.systemProperties = Objects.requireNonNull(systemProperties);
        this.environment = Objects.requireNonNull(environment);
        this.file = file;
        this.initParams = Objects.requireNonNull(initParams);
    }

    /** The sources of this process (system properties and environment), with the given options and init-params. */
    public static ConfigSources ofProcess(Map<String, String> options, UnaryOperator<String> initParams) {
        return new ConfigSources(options, System::getProperty, System::getenv, initParams);
    }

    /**
     * The configuration file that the other sources name, or {@code null} when none is set.
     *
     * @throws ConfigException when the value is not a path
     */
    public Path configFilePath() throws ConfigException {
        RawValue raw = lookup(Setting.CONFIG_FILE);
        if (raw.value().isEmpty()) {
            return null;
        }
        try {
            return Path.of(raw.value());
        } catch (InvalidPathException e) {
            throw new ConfigException(raw.source(), "'" + raw.value() + "' is not a file path");
        }
    }

    /**
     * These sources with the {@code configFile} they name read in, or themselves when they name
     * none.
     *
     * @throws ConfigException when the file cannot be read or holds a key that is no setting
     */
    public ConfigSources withConfigFile() throws ConfigException {
        Path path = configFilePath();
        return path == null ? this : withFile(ConfigFile.read(path));
    }

    /** These sources with the given file's settings in place of any file read before. */
    public ConfigSources withFile(ConfigFile newFile) {
        return new ConfigSources(options, systemProperties, environment, newFile, initParams);
    }

    /** The file whose settings these sources hold, or {@code null}. */
    public ConfigFile file() {
        return file;
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
        value = file == null ? null : file.value(setting);
        if (value != null) {
            return new RawValue(value.strip(), file.sourceOf(setting));
        }
        value = initParams.apply(setting.param());
        if (value != null) {
            return new RawValue(value.strip(), "init-param " + setting.param());
        }
        return new RawValue(setting.defaultValue(), "default of " + setting.param());
    }
}
