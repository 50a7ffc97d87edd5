package dev.jlb.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The settings of a {@code configFile}: a properties file of init-param names and values, as a
 * mounted ConfigMap or a configuration-management tool writes it. Read whole; a key that is no
 * setting is refused, so that a misspelt key is an error rather than a silently ignored line.
 */
public final class ConfigFile {
    private final Path path;
    private final String content;
    private final Map<String, String> values;

    private ConfigFile(Path path, String content, Map<String, String> values) {
        this.path = path;
        this.content = content;
        this.values = Map.copyOf(values);
    }

    /**
     * Reads and checks the file.
     *
     * @throws ConfigException naming the file, and the key when one is wrong
     */
    public static ConfigFile read(Path path) throws ConfigException {
        String content;
        try {
            content = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(Setting.CONFIG_FILE.param() + " " + path, "cannot be read (" + describe(e) + ")");
        }
        return parse(path, content);
    }

    /** Checks the content of the file at the path. */
    public static ConfigFile parse(Path path, String content) throws ConfigException {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(content));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(
                    Setting.CONFIG_FILE.param() + " " + path, "is not a properties file: " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            Setting setting = Setting.byParam(key);
            if (setting == null || setting == Setting.CONFIG_FILE) {
                throw new ConfigException(
                        "key '" + key + "' of " + Setting.CONFIG_FILE.param() + " " + path,
                        "is not a setting of jlb; the settings are " + settingNames());
            }
            values.put(key, properties.getProperty(key));
        }
        return new ConfigFile(path, content, values);
    }

    private static String settingNames() {
        return Arrays.stream(Setting.values())
                .filter(setting -> setting != Setting.CONFIG_FILE)
                .map(Setting::param)
                .collect(Collectors.joining(", "));
    }

    private static String describe(Exception e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString();
    }

    public Path path() {
        return path;
    }

    /** The text as read, to tell a changed file from one merely touched. */
    public String content() {
        return content;
    }

    /** The value the file gives the setting, or {@code null}. */
    public String value(Setting setting) {
        return values.get(setting.param());
    }

    /** Where a value from this file came from, for error messages. */
    String sourceOf(Setting setting) {
        return "key " + setting.param() + " of " + Setting.CONFIG_FILE.param() + " " + path;
    }
}
