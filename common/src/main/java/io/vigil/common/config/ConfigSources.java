package io.vigil.common.config;

import io.vigil.common.VigilErrors;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where raw config strings come from: a properties file, then {@code key=value} overrides from the
 * command line, later sources winning.
 */
public final class ConfigSources {
  private ConfigSources() {}

  public static Map<String, String> load(Path file, List<String> overrides) {
    Map<String, String> raw = new LinkedHashMap<>();
    if (file != null) {
      raw.putAll(readProperties(file));
    }
    if (overrides != null) {
      for (String override : overrides) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
          throw VigilErrors.invalidConfigValue(override, override, "an override of the form key=value");
        }
        raw.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
      }
    }
    return raw;
  }

  public static Map<String, String> readProperties(Path file) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw VigilErrors.configFileNotReadable(file, e);
    }
    Map<String, String> raw = new LinkedHashMap<>();
    for (String name : props.stringPropertyNames()) {
      raw.put(name, props.getProperty(name));
    }
    return raw;
  }
}
